/**
 * Address text read into 32-bit words, without allocating: the data plane asks about the peer of every request, and
 * ip-address.ts (ipaddr.js objects, byte arrays, bigints) costs far more than the answer. Reads what ip-address.ts
 * reads (dotted-quad IPv4 without leading zeros, IPv6 without a zone) and is tested against it, but for two
 * ipaddr.js quirks: an IPv4 tail with leading zeros is refused like a dotted quad with them, and `::1.2.3.4` is the
 * IPv4-compatible `::102:304` of RFC 4291, not the IPv4-mapped `::ffff:1.2.3.4`.
 */

/** 4 or 6: what `readAddressWords` found; 0: not an address. */
export type WordsVersion = 0 | 4 | 6;

const COLON = 0x3a;
const DOT = 0x2e;

/**
 * Reads `text` into `words`, most significant first: an IPv4 address in `words[0]`, an IPv6 address in all four.
 * IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, how a dual-stack socket writes an IPv4 peer) come back as IPv4.
 */
export function readAddressWords(text: string, words: Uint32Array): WordsVersion {
  if (text.indexOf(':') < 0) {
    const value = readIpv4(text, 0, text.length);
    if (value < 0) return 0;
    words[0] = value;
    return 4;
  }
  if (!readIpv6(text, words)) return 0;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) {
    words[0] = words[3]!;
    return 4;
  }
  return 6;
}

const scratch = new Uint32Array(4);

/** `text` as written, or as IPv4 when it is IPv4-mapped; undefined when it is not an address. */
export function unmappedAddressText(text: string): string | undefined {
  const version = readAddressWords(text, scratch);
  if (version === 0) return undefined;
  if (version === 6 || text.indexOf(':') < 0) return text;
  const value = scratch[0]!;
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The value of dotted-quad `text[start, end)`, or -1. */
function readIpv4(text: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? DOT : text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      // A leading zero is refused: `010` means 8 to some parsers and 10 to others.
      if (digits === 1 && part === 0) return -1;
      part = part * 10 + (c - 0x30);
      if (++digits > 3) return -1;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value : -1;
}

const groups = new Uint16Array(8);

function readIpv6(text: string, words: Uint32Array): boolean {
  const end = text.length;
  let count = 0;
  // Where `::` stands, as a group index; -1 without one.
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    const start = i;
    let value = 0;
    for (let digit = hexValue(text.charCodeAt(i)); digit >= 0; digit = hexValue(text.charCodeAt(i))) {
      if (i - start === 4) return false;
      value = value * 16 + digit;
      i++;
    }
    if (text.charCodeAt(i) === DOT) {
      // An IPv4 tail (`::ffff:192.0.2.1`) ends the address and fills two groups.
      const tail = readIpv4(text, start, end);
      if (tail < 0 || count > 6) return false;
      groups[count++] = tail >>> 16;
      groups[count++] = tail & 0xffff;
      i = end;
      break;
    }
    if (i === start || count === 8) return false;
    groups[count++] = value;
    if (i === end) break;
    // Anything but a colon here, a zone's `%` included, is not an address ip-address.ts accepts.
    if (text.charCodeAt(i) !== COLON || ++i === end) return false;
    if (text.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const zeros = 8 - count;
  for (let g = 0; g < 8; g++) {
    let value: number;
    if (gap < 0 || g < gap) value = groups[g]!;
    else if (g < gap + zeros) value = 0;
    else value = groups[g - zeros]!;
    if (g % 2 === 0) words[g >> 1] = value << 16;
    else words[g >> 1] = (words[g >> 1]! | value) >>> 0;
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
