import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import { STATELESS_FLAVOR_CAPABILITY } from '../../model/stateless.ts';
import { PluggedVips } from '../../network/vip-address.ts';
import type { DataPlaneDriver, DriverCapabilities, DriverFactory, TrafficCounters } from '../driver.ts';
import { KERNEL_CLIENT_ADDRESS, NatLoadBalancers } from './nat-load-balancers.ts';
import { natTable } from './nat-table.ts';
import { KERNEL_PRIVILEGES_NEEDED, kernelForwardingAvailable } from './nft-command.ts';

const capabilities: DriverCapabilities = {
  listenerProtocols: ['TCP', 'UDP'],
  poolProtocols: ['TCP', 'UDP'],
  algorithms: ['ROUND_ROBIN', 'SOURCE_IP', 'SOURCE_IP_PORT'],
  persistenceTypes: [],
  monitorTypes: ['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'PING'],
  l7Policies: false,
  listenerConnectionLimit: true,
  portTranslation: true,
  memberDrain: true,
  flavorCapabilities: [STATELESS_FLAVOR_CAPABILITY],
  availabilityZoneCapabilities: [],
  healthChecks: 'weir',
  clientAddress: () => KERNEL_CLIENT_ADDRESS,
};

/**
 * NAT load balancing in the kernel: each listener's VIP and port are DNATed by nftables to a member, which uses this
 * node as its gateway, so the member sees the client's own address in every packet. Every change rewrites weir's
 * table in one atomic transaction; open flows keep their member through conntrack. Closing leaves the table in
 * place, so forwarding goes on while weir restarts.
 */
class NatDriver implements DataPlaneDriver {
  readonly name = 'nat';
  readonly description = natDriver.description;
  readonly capabilities = capabilities;
  private readonly loadBalancers = new NatLoadBalancers(natTable, 'nat', () => true);
  private readonly vips = new PluggedVips();

  async apply(spec: LoadBalancerSpec): Promise<void> {
    await this.vips.plug(spec);
    await this.loadBalancers.apply(spec);
  }

  async remove(loadbalancerId: string): Promise<void> {
    await this.loadBalancers.remove(loadbalancerId);
    await this.vips.unplug(loadbalancerId);
  }

  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void {
    this.loadBalancers.setMemberHealth(loadbalancerId, memberId, up, (error) =>
      console.error(`weir: nat: ${error.message}`),
    );
  }

  listenerStats(loadbalancerId: string): Promise<ReadonlyMap<string, TrafficCounters>> {
    return this.loadBalancers.listenerStats(loadbalancerId);
  }

  async close(): Promise<void> {
    await natTable.settled();
  }
}

export const natDriver: DriverFactory = {
  name: 'nat',
  aliases: [],
  description:
    "Kernel NAT load balancing with nftables: members use weir's node as their gateway and see each client's " +
    'own address in the packets. TCP and UDP. Needs root (CAP_NET_ADMIN).',
  unavailable: () => (kernelForwardingAvailable() ? undefined : KERNEL_PRIVILEGES_NEEDED),
  create: () => new NatDriver(),
};
