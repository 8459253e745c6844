import type { DriverFactory } from '../driver.ts';
import { DSR_CLIENT_ADDRESS, DsrLoadBalancers } from './dsr-load-balancers.ts';
import { dsrTable } from './dsr-table.ts';
import { KernelDriver, kernelCapabilities, kernelProviderUnavailable } from './kernel-driver.ts';

const capabilities = kernelCapabilities({
  // Frames reach members as they came (only MACs change) and no flow is tracked: no other port, no drain, no limit.
  listenerConnectionLimit: false,
  portTranslation: false,
  memberDrain: false,
  flavorCapabilities: [],
  clientAddress: () => DSR_CLIENT_ADDRESS,
});

/**
 * Direct server return in the kernel: frames for a listener's VIP and port get a member's MAC at netdev ingress and
 * go straight on to it; members carry the VIP on loopback and answer clients directly, so replies never pass
 * through weir. Nothing keeps per-connection state: a flow's member is a hash of its addresses and ports over a
 * Maglev table. Closing leaves the table in place, so forwarding goes on while weir restarts.
 */
export const dsrDriver: DriverFactory = {
  name: 'dsr',
  aliases: [],
  description:
    'Kernel direct server return with nftables: weir rewrites MAC addresses and members, on the same link and ' +
    "carrying the VIP on loopback (see `weir dsr-member`), answer clients directly; members see each client's own " +
    'address. TCP and UDP; members listen on the listener port. Needs root (CAP_NET_ADMIN).',
  unavailable: kernelProviderUnavailable,
  create: () =>
    new KernelDriver('dsr', dsrDriver.description, capabilities, new DsrLoadBalancers(dsrTable), () =>
      dsrTable.settled(),
    ),
};
