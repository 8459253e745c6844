import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import { PluggedVips } from '../../network/vip-address.ts';
import type { DataPlaneDriver, DriverCapabilities, DriverFactory, TrafficCounters } from '../driver.ts';
import { DSR_CLIENT_ADDRESS, DsrLoadBalancers } from './dsr-load-balancers.ts';
import { dsrTable } from './dsr-table.ts';
import { KERNEL_PRIVILEGES_NEEDED, kernelForwardingAvailable } from './nft-command.ts';

const capabilities: DriverCapabilities = {
  listenerProtocols: ['TCP', 'UDP'],
  poolProtocols: ['TCP', 'UDP'],
  algorithms: ['ROUND_ROBIN', 'SOURCE_IP', 'SOURCE_IP_PORT'],
  persistenceTypes: [],
  monitorTypes: ['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'PING'],
  l7Policies: false,
  listenerConnectionLimit: false,
  portTranslation: false,
  memberDrain: false,
  flavorCapabilities: [],
  availabilityZoneCapabilities: [],
  healthChecks: 'weir',
  clientAddress: () => DSR_CLIENT_ADDRESS,
};

/**
 * Direct server return in the kernel: frames for a listener's VIP and port get a member's MAC at netdev ingress and
 * go straight on to it; members carry the VIP on loopback and answer clients directly, so replies never pass
 * through weir. Nothing keeps per-connection state: a flow's member is a hash of its addresses and ports over a
 * Maglev table. Closing leaves the table in place, so forwarding goes on while weir restarts.
 */
class DsrDriver implements DataPlaneDriver {
  readonly name = 'dsr';
  readonly description = dsrDriver.description;
  readonly capabilities = capabilities;
  private readonly loadBalancers = new DsrLoadBalancers(dsrTable);
  private readonly vips = new PluggedVips();

  async apply(spec: LoadBalancerSpec): Promise<void> {
    // The VIP on this node's interface: the router resolves it to this node, whose ingress hook takes its frames.
    await this.vips.plug(spec);
    await this.loadBalancers.apply(spec);
  }

  async remove(loadbalancerId: string): Promise<void> {
    await this.loadBalancers.remove(loadbalancerId);
    await this.vips.unplug(loadbalancerId);
  }

  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void {
    this.loadBalancers.setMemberHealth(loadbalancerId, memberId, up, (error) =>
      console.error(`weir: dsr: ${error.message}`),
    );
  }

  listenerStats(loadbalancerId: string): Promise<ReadonlyMap<string, TrafficCounters>> {
    return this.loadBalancers.listenerStats(loadbalancerId);
  }

  async close(): Promise<void> {
    await dsrTable.settled();
  }
}

export const dsrDriver: DriverFactory = {
  name: 'dsr',
  aliases: [],
  description:
    'Kernel direct server return with nftables: weir rewrites MAC addresses and members, on the same link and ' +
    "carrying the VIP on loopback (see `weir dsr-member`), answer clients directly; members see each client's own " +
    'address. TCP and UDP; members listen on the listener port. Needs root (CAP_NET_ADMIN).',
  unavailable: () => (kernelForwardingAvailable() ? undefined : KERNEL_PRIVILEGES_NEEDED),
  create: () => new DsrDriver(),
};
