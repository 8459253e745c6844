/** Special-purpose networks (RFC 6890) whose addresses lead somewhere other than a host out on the network. */
import { type Cidr, cidrContains, parseCidr } from './cidr.ts';
import type { IpAddress } from './ip-address.ts';
import { unmapIpv4 } from './ipv4-mapped.ts';

const networks = (...texts: string[]): readonly Cidr[] => Object.freeze(texts.map(parseCidr));

/** This host itself. */
export const LOOPBACK = networks('127.0.0.0/8', '::1/128');
/** The local link, where cloud metadata services answer (169.254.169.254). */
export const LINK_LOCAL = networks('169.254.0.0/16', 'fe80::/10');
/** "This network": Linux connects 0.0.0.0 to the local host. */
export const UNSPECIFIED = networks('0.0.0.0/8', '::/128');
export const MULTICAST = networks('224.0.0.0/4', 'ff00::/8');
export const LIMITED_BROADCAST = networks('255.255.255.255/32');

/** The network of `cidrs` holding `address` (IPv4-mapped addresses as the IPv4 they embed), if any. */
export function networkHolding(cidrs: readonly Cidr[], address: IpAddress): Cidr | undefined {
  const target = unmapIpv4(address);
  return cidrs.find((cidr) => cidrContains(cidr, target));
}
