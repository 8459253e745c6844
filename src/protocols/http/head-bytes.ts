/**
 * Byte classes of an HTTP/1.1 head (RFC 9110 §5.6.2, RFC 9112 §3), looked up in one table so that the head parser
 * tests each byte with an index and a mask instead of a regular expression.
 */

export const HTAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const COLON = 0x3a;
export const COMMA = 0x2c;

/** tchar: what a method and a field name are made of. */
export const TOKEN_BYTE = 1;
/** Visible ASCII: what Node's parser accepts in a request target. */
export const TARGET_BYTE = 2;
/** field-vchar, SP and HTAB: control characters and DEL are refused, obs-text (0x80-0xff) is kept. */
export const VALUE_BYTE = 4;
/** A reg-name byte of a Host, as request-guard's HOST pattern has it (no comma, no `@`, no `/`). */
export const REG_NAME_BYTE = 8;
/** What an IP literal in brackets holds. */
export const IP_LITERAL_BYTE = 16;

function classes(): Uint8Array {
  const table = new Uint8Array(256);
  const mark = (chars: string, flag: number) => {
    for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)]! |= flag;
  };
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  mark(`${alnum}!#$%&'*+-.^_\`|~`, TOKEN_BYTE);
  mark(`${alnum}-._~%!$&'()*+;=`, REG_NAME_BYTE);
  mark('0123456789ABCDEFabcdef:.', IP_LITERAL_BYTE);
  for (let c = 0x21; c <= 0x7e; c++) table[c]! |= TARGET_BYTE | VALUE_BYTE;
  for (let c = 0x80; c <= 0xff; c++) table[c]! |= VALUE_BYTE;
  table[SP]! |= VALUE_BYTE;
  table[HTAB]! |= VALUE_BYTE;
  return table;
}

/** Flags of each byte value. */
export const BYTE_CLASS = classes();

export const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;
export const isOws = (byte: number): boolean => byte === SP || byte === HTAB;
/** ASCII letters folded to lower case; every other byte unchanged. */
export const lowerByte = (byte: number): number => (byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte);

/** Whether bytes [start, end) spell `lower` in any case; `lower` must be lower-case ASCII. */
export function bytesEqualIgnoringCase(buffer: Buffer, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = start; i < end; i++) if (lowerByte(buffer[i]!) !== lower.charCodeAt(i - start)) return false;
  return true;
}
