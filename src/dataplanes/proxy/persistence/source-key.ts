import { isIPv4, isIPv6 } from 'node:net';

/**
 * How SOURCE_IP persistence keys a client: its address, or the network its address is in when the pool has a
 * `persistence_granularity` (a netmask, as LVS takes it: 255.255.255.0 sticks a /24). An IPv4 mask applies to IPv4
 * clients, an IPv6 mask to IPv6 clients; the other family is keyed by its whole address.
 */
export function sourceKeyer(granularity: string | null): (address: string) => string {
  if (granularity === null) return plainAddress;
  if (isIPv4(granularity)) {
    const mask = ipv4Number(granularity);
    if (mask === 0xffffffff) return plainAddress;
    return (address) => {
      const v4 = ipv4Of(address);
      return v4 === null ? address : numberToIpv4((ipv4Number(v4) & mask) >>> 0);
    };
  }
  if (isIPv6(granularity)) {
    const mask = ipv6Groups(granularity);
    return (address) => (isIPv6(address) && ipv4Of(address) === null ? maskedIpv6(address, mask) : address);
  }
  return plainAddress;
}

/** Node reports IPv4 clients of a dual-stack socket as `::ffff:a.b.c.d`: one client, one key. */
function plainAddress(address: string): string {
  return ipv4Of(address) ?? address;
}

function ipv4Of(address: string): string | null {
  if (isIPv4(address)) return address;
  if (address.startsWith('::ffff:') && isIPv4(address.slice(7))) return address.slice(7);
  return null;
}

function ipv4Number(address: string): number {
  let value = 0;
  for (const part of address.split('.')) value = value * 256 + Number(part);
  return value >>> 0;
}

function numberToIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded. */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function maskedIpv6(address: string, mask: readonly number[]): string {
  return ipv6Groups(address)
    .map((group, i) => (group & mask[i]!).toString(16))
    .join(':');
}
