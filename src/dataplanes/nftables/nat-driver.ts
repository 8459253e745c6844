import { STATELESS_FLAVOR_CAPABILITY } from '../../model/stateless.ts';
import type { DriverFactory } from '../driver.ts';
import { KernelDriver, kernelCapabilities, kernelProviderUnavailable } from './kernel-driver.ts';
import { KERNEL_CLIENT_ADDRESS, NatLoadBalancers } from './nat-load-balancers.ts';
import { natTable } from './nat-table.ts';

const capabilities = kernelCapabilities({
  // DNAT under conntrack: flows are counted (ct count), keep their member while it drains, and may change port.
  listenerConnectionLimit: true,
  portTranslation: true,
  memberDrain: true,
  flavorCapabilities: [STATELESS_FLAVOR_CAPABILITY],
  clientAddress: () => KERNEL_CLIENT_ADDRESS,
});

/**
 * NAT load balancing in the kernel: each listener's VIP and port are DNATed by nftables to a member, which uses this
 * node as its gateway, so the member sees the client's own address in every packet. Every change is one atomic
 * transaction on weir's table (NatTable); open flows keep their member through conntrack. Closing leaves the table
 * in place, so forwarding goes on while weir restarts.
 */
export const natDriver: DriverFactory = {
  name: 'nat',
  aliases: [],
  description:
    "Kernel NAT load balancing with nftables: members use weir's node as their gateway and see each client's " +
    'own address in the packets. TCP and UDP. Needs root (CAP_NET_ADMIN).',
  unavailable: kernelProviderUnavailable,
  create: () =>
    new KernelDriver(
      'nat',
      natDriver.description,
      capabilities,
      new NatLoadBalancers(natTable, 'nat', () => true),
      () => natTable.settled(),
    ),
};
