import { networkInterfaces } from 'node:os';
import type { IpAddress } from '../network/ip-address.ts';
import { parseIpAddress } from '../network/ip-address.ts';
import { unmapIpv4 } from '../network/ipv4-mapped.ts';
import { LOOPBACK, networkHolding } from '../network/special-networks.ts';

/**
 * Whether an address is this host's: loopback, or on one of its interfaces now. Interfaces are read at each call,
 * because addresses come and go (data planes add VIPs) while weir runs.
 */
export function isLocalAddress(address: IpAddress): boolean {
  if (networkHolding(LOOPBACK, address)) return true;
  const target = unmapIpv4(address);
  return Object.values(networkInterfaces()).some((entries) =>
    (entries ?? []).some((entry) => {
      const local = parseIpAddress(entry.address.split('%')[0]!);
      return local !== undefined && local.version === target.version && local.value === target.value;
    }),
  );
}
