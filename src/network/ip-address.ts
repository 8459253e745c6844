/**
 * IP addresses as numbers, so ranges can be compared and walked without ever listing them.
 * Text is accepted only in its ordinary forms: dotted-quad IPv4 (not `127.1` or `0x7f.0.0.1`, which ipaddr.js would
 * take) and IPv6 without a zone, because an address written two ways would be allocated twice.
 */
import ipaddr from 'ipaddr.js';

export type IpVersion = 4 | 6;

export interface IpAddress {
  version: IpVersion;
  value: bigint;
}

export function parseIpAddress(text: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return { version: 4, value: bytesToBigInt(ipaddr.IPv4.parse(text).toByteArray()) };
  }
  if (ipaddr.IPv6.isValid(text)) {
    const address = ipaddr.IPv6.parse(text);
    if (address.zoneId !== undefined) return undefined;
    return { version: 6, value: bytesToBigInt(address.toByteArray()) };
  }
  return undefined;
}

/** The canonical text: dotted quad, or RFC 5952 compressed IPv6 as ipaddr.js prints it. */
export function formatIpAddress(address: IpAddress): string {
  const length = address.version === 4 ? 4 : 16;
  const bytes = new Array<number>(length);
  let rest = address.value;
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** The canonical text of an address, or undefined when the text is not an address. */
export function normaliseIpAddress(text: string): string | undefined {
  const address = parseIpAddress(text);
  return address && formatIpAddress(address);
}

export const addressBits = (version: IpVersion): number => (version === 4 ? 32 : 128);

function bytesToBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}
