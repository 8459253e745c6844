import { STATELESS_FLAVOR_CAPABILITY } from '../../model/stateless.ts';
import type { DriverCapabilities, DriverFactory } from '../driver.ts';
import { KernelDriver } from './kernel-driver.ts';
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
export const natDriver: DriverFactory = {
  name: 'nat',
  aliases: [],
  description:
    "Kernel NAT load balancing with nftables: members use weir's node as their gateway and see each client's " +
    'own address in the packets. TCP and UDP. Needs root (CAP_NET_ADMIN).',
  unavailable: () => (kernelForwardingAvailable() ? undefined : KERNEL_PRIVILEGES_NEEDED),
  create: () =>
    new KernelDriver(
      'nat',
      natDriver.description,
      capabilities,
      new NatLoadBalancers(natTable, 'nat', () => true),
      () => natTable.settled(),
    ),
};
