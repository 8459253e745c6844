import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import type { TrafficCounters } from '../driver.ts';
import type { MemberTraffic } from './traffic-counters.ts';

/**
 * What runs the proxy's listeners: in this process, or in one worker process per core. The driver plugs VIPs and
 * hands the engine each load balancer's desired state; the engine binds, balances and counts.
 */
export interface ProxyEngine {
  apply(spec: LoadBalancerSpec): Promise<void>;
  remove(loadbalancerId: string): Promise<void>;
  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void;
  /** Counters per listener, summed over every process that carries the listener. */
  listenerStats(loadbalancerId: string): Promise<Map<string, TrafficCounters>>;
  /** Traffic per member id, summed over every process. */
  memberTraffic(loadbalancerId: string): Promise<Map<string, MemberTraffic>>;
  close(): Promise<void>;
}
