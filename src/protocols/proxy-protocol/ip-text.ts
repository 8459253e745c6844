/**
 * IP address text to bytes and back, written straight into caller-provided bytes so the encoders allocate nothing per
 * address. Parsing is strict where the PROXY protocol is: IPv4 is exactly four decimal octets without leading zeros
 * (proxy-protocol.txt forbids them, as they read as octal to some parsers). Formatting follows inet_ntop, which is
 * what HAProxy sends and what Node prints in `socket.remoteAddress`, so decoded addresses compare equal to those.
 */

const DOT = 0x2e;
const COLON = 0x3a;

/** Parses text[start..] as a dotted-quad IPv4 address into out[offset..offset+4); false when it is not one. */
export function parseIpv4(text: string, out: Uint8Array, offset: number, start = 0): boolean {
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && octet === 0) return false;
      octet = octet * 10 + (c - 0x30);
      if (octet > 255) return false;
      digits++;
    } else if (c === DOT && digits > 0 && parts < 3) {
      out[offset + parts++] = octet;
      octet = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (digits === 0 || parts !== 3) return false;
  out[offset + 3] = octet;
  return true;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * Parses IPv6 text (RFC 4291: hex groups, one `::`, an optional dotted IPv4 tail; no zone) into
 * out[offset..offset+16); false when it is not one.
 */
export function parseIpv6(text: string, out: Uint8Array, offset: number): boolean {
  const n = text.length;
  if (n < 2 || n > 45) return false;
  let i = 0;
  let at = 0;
  let gap = -1;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    if (at === 16) return false;
    let value = 0;
    let j = i;
    for (; j < n && j - i < 5; j++) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
    }
    if (j < n && text.charCodeAt(j) === DOT) {
      if (at > 12 || !parseIpv4(text, out, offset + at, i)) return false;
      at += 4;
      break;
    }
    if (j === i || j - i > 4) return false;
    out[offset + at] = value >> 8;
    out[offset + at + 1] = value & 0xff;
    at += 2;
    i = j;
    if (i === n) break;
    if (text.charCodeAt(i) !== COLON || i + 1 === n) return false;
    i++;
    if (text.charCodeAt(i) === COLON) {
      if (gap !== -1) return false;
      gap = at;
      i++;
    }
  }
  if (gap === -1) return at === 16;
  // `::` stands for at least one zero group: slide what followed it to the end and zero the gap.
  if (at === 16) return false;
  const tail = at - gap;
  out.copyWithin(offset + 16 - tail, offset + gap, offset + at);
  out.fill(0, offset + gap, offset + 16 - tail);
  return true;
}

export function formatIpv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** inet_ntop's form: lowercase, the longest run of two or more zero groups as `::`, IPv4-mapped as ::ffff:a.b.c.d. */
export function formatIpv6(bytes: Uint8Array, offset: number): string {
  const word = (i: number) => (bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!;
  let bestBase = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (word(i) !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && word(j) === 0) j++;
    if (j - i > bestLength) {
      bestBase = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) bestBase = -1;
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLength) {
      if (i === bestBase) text += ':';
      continue;
    }
    if (i !== 0) text += ':';
    if (i === 6 && bestBase === 0 && (bestLength === 6 || (bestLength === 5 && word(5) === 0xffff))) {
      return text + formatIpv4(bytes, offset + 12);
    }
    text += word(i).toString(16);
  }
  return bestBase !== -1 && bestBase + bestLength === 8 ? `${text}:` : text;
}
