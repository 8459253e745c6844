/**
 * CIDR blocks as a first and last address. Host bits must be zero, as Neutron requires: `192.0.2.5/24` is
 * rejected with the network it probably meant, rather than silently widened.
 */
import { addressBits, formatIpAddress, type IpAddress, type IpVersion, parseIpAddress } from './ip-address.ts';

export interface Cidr {
  version: IpVersion;
  prefixLength: number;
  first: bigint;
  last: bigint;
  /** Canonical text, e.g. `2001:db8::/64`. */
  text: string;
}

/** Parses a CIDR; throws a RangeError whose message says in plain words what is wrong. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new RangeError(`"${text}" is not a CIDR: the prefix length is missing (e.g. 192.0.2.0/24)`);
  const address = parseIpAddress(text.slice(0, slash));
  if (!address) throw new RangeError(`"${text}" is not a CIDR: "${text.slice(0, slash)}" is not an IP address`);
  const bits = addressBits(address.version);
  const prefixText = text.slice(slash + 1);
  const prefixLength = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefixLength > bits) {
    throw new RangeError(`"${text}" is not a CIDR: the prefix length must be a number from 0 to ${bits}`);
  }
  const hostMask = (1n << BigInt(bits - prefixLength)) - 1n;
  const first = address.value & ~hostMask;
  const network = `${formatIpAddress({ version: address.version, value: first })}/${prefixLength}`;
  if (first !== address.value) {
    throw new RangeError(`"${text}" has host bits set; the network is ${network}`);
  }
  return { version: address.version, prefixLength, first, last: first | hostMask, text: network };
}

export const cidrContains = (cidr: Cidr, address: IpAddress): boolean =>
  address.version === cidr.version && address.value >= cidr.first && address.value <= cidr.last;
