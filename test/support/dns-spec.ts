/**
 * Specs for the `dns` provider's unit tests. A `dns` load balancer: `www.lb.example.org`, with kernel-spec.ts's pool `pool` of the members
 * given, and one listener per entry of `listeners` (each kernel-spec.ts's UDP listener on port 53 with those fields).
 */
import type {
  HealthMonitorSpec,
  ListenerSpec,
  LoadBalancerSpec,
  MemberSpec,
  PoolSpec,
} from '../../src/model/load-balancer-spec.ts';
import { spec } from './kernel-spec.ts';

export function dnsSpec(
  members: MemberSpec[],
  listeners: Partial<ListenerSpec>[] = [{}],
  pool: Partial<PoolSpec> = {},
): LoadBalancerSpec {
  const base = spec(members, pool);
  return {
    ...base,
    name: 'www.lb.example.org',
    provider: 'dns',
    listeners: listeners.map((fields, i) => ({ ...base.listeners[0]!, id: `listener${i}`, ...fields })),
  };
}

/** A TCP health monitor, admin up, with the fields given. */
export const monitor = (fields: Partial<HealthMonitorSpec>): HealthMonitorSpec => ({
  id: 'hm',
  type: 'TCP',
  adminStateUp: true,
  delaySeconds: 2,
  timeoutSeconds: 1,
  maxRetries: 2,
  maxRetriesDown: 3,
  httpMethod: 'GET',
  urlPath: '/',
  expectedCodes: '200',
  httpVersion: 1.1,
  domainName: null,
  ...fields,
});
