/**
 * Byte classes of HTTP/1.1 syntax (RFC 9110 §5.5, §5.6.2, §5.6.4), as lookup tables so that parsers working on raw
 * buffers check a byte with one load and no allocation.
 */

function table(accepts: (byte: number) => boolean): Uint8Array {
  const bytes = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) bytes[byte] = accepts(byte) ? 1 : 0;
  return bytes;
}

const TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";
const isVisible = (byte: number) => byte >= 0x21 && byte <= 0x7e;

/** tchar: what a token (a field name, a coding, a chunk extension name) is made of. */
export const TOKEN_BYTE = table(
  (byte) =>
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    TCHAR_SYMBOLS.includes(String.fromCharCode(byte)),
);

/** What a field value may hold: HTAB, SP, VCHAR, obs-text; never CR, LF, NUL, DEL or another control. */
export const FIELD_VALUE_BYTE = table((byte) => byte === 0x09 || byte === 0x20 || isVisible(byte) || byte >= 0x80);

/** qdtext: what a quoted-string holds unescaped (no `"` and no `\`). */
export const QUOTED_TEXT_BYTE = table(
  (byte) => byte === 0x09 || byte === 0x20 || (isVisible(byte) && byte !== 0x22 && byte !== 0x5c) || byte >= 0x80,
);

/** What may follow `\` in a quoted-string. */
export const QUOTED_PAIR_BYTE = FIELD_VALUE_BYTE;

/** A hexadecimal digit's value, or -1. */
export const HEX_VALUE = (() => {
  const values = new Int8Array(256).fill(-1);
  for (let digit = 0; digit < 10; digit++) values[0x30 + digit] = digit;
  for (let digit = 0; digit < 6; digit++) {
    values[0x41 + digit] = 10 + digit;
    values[0x61 + digit] = 10 + digit;
  }
  return values;
})();

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
