/**
 * A network as the config file lists one (`denied_member_cidrs`, `trusted_proxies`): a CIDR, or a single address
 * as its own network. Written in the IPv4-mapped range, it is the IPv4 network it covers, so it matches the peers a
 * dual-stack socket reports.
 */
import { type Cidr, parseCidr } from './cidr.ts';
import { addressBits, parseIpAddress } from './ip-address.ts';
import { unmapIpv4Cidr } from './ipv4-mapped.ts';

/** Throws a RangeError for an entry the config loader would refuse. */
export function parseNetworkEntry(entry: string): Cidr {
  if (entry.includes('/')) return unmapIpv4Cidr(parseCidr(entry));
  const address = parseIpAddress(entry);
  if (!address) throw new RangeError(`"${entry}" is neither an IP address nor a CIDR`);
  return unmapIpv4Cidr(parseCidr(`${entry}/${addressBits(address.version)}`));
}
