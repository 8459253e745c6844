import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import { PluggedVips } from '../../network/vip-address.ts';
import type { DataPlaneDriver, DriverCapabilities, DriverSettings, TrafficCounters } from '../driver.ts';
import { KERNEL_PRIVILEGES_NEEDED, kernelForwardingAvailable } from './nft-command.ts';

/** Where the kernel providers differ: what their forwarding keeps per flow, and how members see clients. */
export type KernelProviderCapabilities = Required<
  Pick<
    DriverCapabilities,
    'listenerConnectionLimit' | 'portTranslation' | 'memberDrain' | 'flavorCapabilities' | 'clientAddress'
  >
>;

/**
 * A kernel provider's capabilities: layer 4 alone (TCP and UDP, no L7 policies, no session persistence), members
 * checked by weir's health checker, and what the provider itself says.
 */
export function kernelCapabilities(provider: KernelProviderCapabilities): DriverCapabilities {
  return {
    listenerProtocols: ['TCP', 'UDP'],
    poolProtocols: ['TCP', 'UDP'],
    algorithms: ['ROUND_ROBIN', 'SOURCE_IP', 'SOURCE_IP_PORT'],
    persistenceTypes: [],
    monitorTypes: ['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'PING'],
    l7Policies: false,
    availabilityZoneCapabilities: [],
    healthChecks: 'weir',
    ...provider,
  };
}

/**
 * Why this node cannot run a kernel provider (no root, no nft; a tenancy connection cap, which the kernel tables do not
 * count, so a tenant's load balancer would not be held to it), or undefined when it can.
 */
export function kernelProviderUnavailable(settings: DriverSettings): string | undefined {
  if (settings.connectionCap) {
    return 'tenancy.max_connections_per_load_balancer is set, and kernel load balancers cannot be held to it.';
  }
  return kernelForwardingAvailable() ? undefined : KERNEL_PRIVILEGES_NEEDED;
}

/** A kernel provider's load balancers, kept in a table of weir's own (NatLoadBalancers, DsrLoadBalancers). */
export interface KernelLoadBalancers {
  apply(spec: LoadBalancerSpec): Promise<void>;
  remove(loadbalancerId: string): Promise<void>;
  /** Resolves once the table follows the change; a failure rejects. */
  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): Promise<void>;
  listenerStats(loadbalancerId: string): Promise<ReadonlyMap<string, TrafficCounters>>;
}

/**
 * A provider whose forwarding is in the kernel: it puts each load balancer's VIPs on this node's interfaces (so
 * neighbours resolve them here) and hands the load balancer to its table. Closing waits for the writes under way and
 * leaves the table in place, so forwarding goes on while weir restarts.
 */
export class KernelDriver implements DataPlaneDriver {
  private readonly vips = new PluggedVips();

  constructor(
    readonly name: string,
    readonly description: string,
    readonly capabilities: DriverCapabilities,
    private readonly loadBalancers: KernelLoadBalancers,
    private readonly settled: () => Promise<void>,
  ) {}

  async apply(spec: LoadBalancerSpec): Promise<void> {
    await this.vips.plug(spec);
    await this.loadBalancers.apply(spec);
  }

  async remove(loadbalancerId: string): Promise<void> {
    await this.loadBalancers.remove(loadbalancerId);
    await this.vips.unplug(loadbalancerId);
  }

  /** Resolves once the table follows, so the member's operating status is written only then. */
  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): Promise<void> {
    return this.loadBalancers
      .setMemberHealth(loadbalancerId, memberId, up)
      .catch((error: Error) => console.error(`weir: ${this.name}: ${error.message}`));
  }

  listenerStats(loadbalancerId: string): Promise<ReadonlyMap<string, TrafficCounters>> {
    return this.loadBalancers.listenerStats(loadbalancerId);
  }

  close(): Promise<void> {
    return this.settled();
  }
}
