/**
 * IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are how a dual-stack socket writes an IPv4 peer: connecting to one
 * reaches the IPv4 address it embeds. Every decision about where an address leads looks at the embedded address.
 */
import { type Cidr, cidrContains, parseCidr } from './cidr.ts';
import { formatIpAddress, type IpAddress } from './ip-address.ts';

const MAPPED = parseCidr('::ffff:0:0/96');

/** The IPv4 address an IPv4-mapped address embeds; any other address unchanged. */
export function unmapIpv4(address: IpAddress): IpAddress {
  return cidrContains(MAPPED, address) ? { version: 4, value: address.value - MAPPED.first } : address;
}

/** A network written inside the mapped range, e.g. `::ffff:10.0.0.0/104`, as the IPv4 network it covers. */
export function unmapIpv4Cidr(cidr: Cidr): Cidr {
  if (cidr.prefixLength < MAPPED.prefixLength || !cidrContains(MAPPED, { version: 6, value: cidr.first })) return cidr;
  const first = cidr.first - MAPPED.first;
  const prefixLength = cidr.prefixLength - MAPPED.prefixLength;
  return {
    version: 4,
    prefixLength,
    first,
    last: cidr.last - MAPPED.first,
    text: `${formatIpAddress({ version: 4, value: first })}/${prefixLength}`,
  };
}
