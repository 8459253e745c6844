/**
 * Which family a source/destination pair travels as. Node reports IPv4 peers of a dual-stack socket as IPv4-mapped
 * IPv6 (`::ffff:192.0.2.1`); members expect to see 192.0.2.1, so a pair whose addresses are both IPv4, mapped or not,
 * goes as TCP4/UDP4. A pair with one real IPv6 address goes as TCP6/UDP6 with the IPv4 one mapped into IPv6, as
 * HAProxy 2.6 does (`PROXY TCP6 2001:db8::7 ::ffff:127.0.0.1 ...`, v2 family 0x21 likewise). HAProxy itself does not
 * unmap: on a v4v6 socket it sends `TCP6 ::ffff:127.0.0.1 ::ffff:127.0.0.1`, which is where weir differs on purpose.
 */
import { parseIpv4, parseIpv6 } from './ip-text.ts';

/**
 * Filled by resolveIpPair: the source in bytes 0-15, the destination in 16-31, both in IPv6 form (IPv4 mapped).
 * Shared scratch space, valid until the next call: the encoders copy from it at once, so no call allocates.
 */
export const pairBytes = new Uint8Array(32);

function parseInto(text: string, offset: number): boolean {
  if (text.includes(':')) {
    // A zone (`fe80::1%eth0`) names an interface of this host and means nothing to the receiver.
    const zone = text.indexOf('%');
    return parseIpv6(zone === -1 ? text : text.slice(0, zone), pairBytes, offset);
  }
  pairBytes.fill(0, offset, offset + 10);
  pairBytes[offset + 10] = 0xff;
  pairBytes[offset + 11] = 0xff;
  return parseIpv4(text, pairBytes, offset + 12);
}

function isIpv4(offset: number): boolean {
  for (let i = offset; i < offset + 10; i++) if (pairBytes[i] !== 0) return false;
  return pairBytes[offset + 10] === 0xff && pairBytes[offset + 11] === 0xff;
}

/** Parses both addresses into pairBytes and returns the family they travel as; throws RangeError on bad text. */
export function resolveIpPair(source: string, destination: string): 'inet' | 'inet6' {
  if (!parseInto(source, 0)) throw new RangeError(`not an IP address: ${JSON.stringify(source)}`);
  if (!parseInto(destination, 16)) throw new RangeError(`not an IP address: ${JSON.stringify(destination)}`);
  return isIpv4(0) && isIpv4(16) ? 'inet' : 'inet6';
}
