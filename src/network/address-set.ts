/**
 * A set of networks asked about peer addresses on the data path: `trusted_proxies`, a listener's `allowed_cidrs`.
 * The list is read once into 32-bit network words and masks, so the question asked of every peer allocates
 * nothing: the address text is read into a reused scratch array, and IPv4-mapped peers (a dual-stack socket's IPv4
 * clients) match as IPv4.
 */
import { readAddressWords } from './address-words.ts';
import type { Cidr } from './cidr.ts';
import { parseNetworkEntry } from './network-entry.ts';

export interface AddressSet {
  /** Whether `address` (a socket's `remoteAddress`) lies in one of the networks; false for anything unreadable. */
  has(address: string): boolean;
}

/** `entries`: CIDRs or single addresses, as validated by the config loader; throws a RangeError for others. */
export function addressSet(entries: readonly string[]): AddressSet {
  const networks = entries.map(parseNetworkEntry);
  const v4 = networkWords(networks.filter((n) => n.version === 4));
  const v6 = networkWords(networks.filter((n) => n.version === 6));
  const words = new Uint32Array(4);
  return {
    has(address) {
      // The default, an empty list, never reads the address.
      if (networks.length === 0) return false;
      const version = readAddressWords(address, words);
      if (version === 4) return matches(v4, words, 1);
      if (version === 6) return matches(v6, words, 4);
      return false;
    },
  };
}

/** Each network as its words then its masks: 2 numbers for IPv4, 8 for IPv6. */
function networkWords(networks: readonly Cidr[]): Uint32Array {
  const width = networks[0]?.version === 6 ? 4 : 1;
  const table = new Uint32Array(networks.length * width * 2);
  networks.forEach((network, n) => {
    const base = n * width * 2;
    for (let w = 0; w < width; w++) {
      const shift = BigInt((width - 1 - w) * 32);
      table[base + w] = Number((network.first >> shift) & 0xffffffffn);
      table[base + width + w] = maskWord(network.prefixLength - w * 32);
    }
  });
  return table;
}

/** The mask of one word holding `bits` of the prefix (clamped to 0..32). */
function maskWord(bits: number): number {
  if (bits <= 0) return 0;
  return bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

function matches(table: Uint32Array, words: Uint32Array, width: number): boolean {
  for (let base = 0; base < table.length; base += width * 2) {
    if (inNetwork(table, base, words, width)) return true;
  }
  return false;
}

function inNetwork(table: Uint32Array, base: number, words: Uint32Array, width: number): boolean {
  for (let w = 0; w < width; w++) {
    if ((words[w]! & table[base + width + w]!) >>> 0 !== table[base + w]) return false;
  }
  return true;
}
