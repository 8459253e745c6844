import {
  LB_ALGORITHMS,
  LISTENER_PROTOCOLS,
  MONITOR_TYPES,
  PERSISTENCE_TYPES,
  POOL_PROTOCOLS,
} from '../../model/constants.ts';
import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import { STATELESS_FLAVOR_CAPABILITY } from '../../model/stateless.ts';
import type { DataPlaneDriver, DriverCapabilities, DriverFactory, TrafficCounters } from '../driver.ts';

const capabilities: DriverCapabilities = {
  listenerProtocols: LISTENER_PROTOCOLS,
  poolProtocols: POOL_PROTOCOLS,
  algorithms: LB_ALGORITHMS,
  persistenceTypes: PERSISTENCE_TYPES,
  monitorTypes: MONITOR_TYPES,
  l7Policies: true,
  listenerConnectionLimit: true,
  portTranslation: true,
  memberDrain: true,
  // Accepted and ignored, so what a kernel provider's flavor refuses at the API can be tested without a kernel.
  flavorCapabilities: [STATELESS_FLAVOR_CAPABILITY],
  availabilityZoneCapabilities: [],
  healthChecks: 'none',
};

/** Accepts everything and carries no traffic, like Octavia's noop driver: for tests and API-only use. */
class NoopDriver implements DataPlaneDriver {
  readonly name = 'noop';
  readonly description = noopDriver.description;
  readonly capabilities = capabilities;
  private readonly applied = new Map<string, LoadBalancerSpec>();

  async apply(spec: LoadBalancerSpec): Promise<void> {
    this.applied.set(spec.id, spec);
  }

  async remove(loadbalancerId: string): Promise<void> {
    this.applied.delete(loadbalancerId);
  }

  setMemberHealth(): void {}

  async listenerStats(): Promise<ReadonlyMap<string, TrafficCounters>> {
    return new Map();
  }

  async close(): Promise<void> {
    this.applied.clear();
  }
}

export const noopDriver: DriverFactory = {
  name: 'noop',
  aliases: ['noop_driver'],
  description: 'The no-op driver: accepts every load balancer and carries no traffic.',
  create: () => new NoopDriver(),
};
