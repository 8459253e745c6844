// The slot nftables' `jhash <expr> mod N seed S` picks for a key: Linux's jhash (Bob Jenkins' lookup3, as
// include/linux/jhash.h has it) over the key's bytes, scaled into [0, N) by multiplication as nft_jhash_eval does
// (reciprocal_scale), not by a remainder. Tests use it to predict which map element a packet meets.

const rol32 = (word: number, shift: number) => ((word << shift) | (word >>> (32 - shift))) >>> 0;

/** jhash for keys of at most 12 bytes (one final mix, no rounds), which covers an IPv4 address. */
function jhashShort(key: Uint8Array, seed: number): number {
  if (key.length === 0 || key.length > 12) throw new RangeError(`jhashShort takes 1-12 bytes, not ${key.length}`);
  const word = (at: number) =>
    [0, 1, 2, 3].reduce((sum, i) => (at + i < key.length ? sum + key[at + i]! * 2 ** (8 * i) : sum), 0);
  let a = (0xdeadbeef + key.length + seed + word(0)) >>> 0;
  let b = (0xdeadbeef + key.length + seed + word(4)) >>> 0;
  let c = (0xdeadbeef + key.length + seed + word(8)) >>> 0;
  c = ((c ^ b) - rol32(b, 14)) >>> 0;
  a = ((a ^ c) - rol32(c, 11)) >>> 0;
  b = ((b ^ a) - rol32(a, 25)) >>> 0;
  c = ((c ^ b) - rol32(b, 16)) >>> 0;
  a = ((a ^ c) - rol32(c, 4)) >>> 0;
  b = ((b ^ a) - rol32(a, 14)) >>> 0;
  return ((c ^ b) - rol32(b, 24)) >>> 0;
}

/** The slot of `jhash ip saddr mod <modulus> seed <seed>` for this dotted IPv4 address. */
export function kernelJhashSlot(ipv4: string, modulus: number, seed: number): number {
  const bytes = Uint8Array.from(ipv4.split('.').map(Number));
  return Math.floor((jhashShort(bytes, seed) * modulus) / 2 ** 32);
}
