/**
 * A host with an optional port, checked and compared on bytes: the grammar request-guard's HOST pattern accepts (an
 * IP literal in brackets or a reg-name without comma or `@`, then `:` and digits), and its comparison of an
 * absolute-form target's authority with Host (case-insensitive, default and empty port left out).
 */
import { BYTE_CLASS, COLON, IP_LITERAL_BYTE, isDigit, lowerByte, REG_NAME_BYTE } from './head-bytes.ts';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The length of the host in bytes [start, end) when they are a host and optional port, else -1. */
export function hostLength(buffer: Buffer, start: number, end: number): number {
  let i = start;
  if (i < end && buffer[i] === OPEN_BRACKET) {
    i++;
    while (i < end && (BYTE_CLASS[buffer[i]!]! & IP_LITERAL_BYTE) !== 0) i++;
    if (i === start + 1 || i === end || buffer[i] !== CLOSE_BRACKET) return -1;
    i++;
  } else {
    while (i < end && (BYTE_CLASS[buffer[i]!]! & REG_NAME_BYTE) !== 0) i++;
  }
  const host = i - start;
  if (i === end) return host;
  if (buffer[i] !== COLON) return -1;
  for (i++; i < end; i++) if (!isDigit(buffer[i]!)) return -1;
  return host;
}

/**
 * Whether two authorities name the same host and port, given the scheme's default port (`:80`, `:443`): each is
 * compared without that port or an empty one (RFC 3986 §6.2.3).
 */
export function sameAuthority(
  buffer: Buffer,
  start: number,
  end: number,
  otherStart: number,
  otherEnd: number,
  defaultPort: string,
): boolean {
  const length = comparableLength(buffer, start, end, defaultPort);
  if (length !== comparableLength(buffer, otherStart, otherEnd, defaultPort)) return false;
  for (let i = 0; i < length; i++) {
    if (lowerByte(buffer[start + i]!) !== lowerByte(buffer[otherStart + i]!)) return false;
  }
  return true;
}

function comparableLength(buffer: Buffer, start: number, end: number, defaultPort: string): number {
  const length = end - start;
  const portStart = end - defaultPort.length;
  if (portStart >= start && endsWith(buffer, portStart, defaultPort)) return length - defaultPort.length;
  return length > 0 && buffer[end - 1] === COLON ? length - 1 : length;
}

function endsWith(buffer: Buffer, from: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (buffer[from + i] !== text.charCodeAt(i)) return false;
  return true;
}
