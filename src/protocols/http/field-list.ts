/**
 * Walks a comma-separated field value (RFC 9110 §5.6.1) in place: elements trimmed of OWS, every element a token (so
 * no parameters: none of the lists read here needs them). Empty elements are skipped as the list syntax asks, or
 * refused where parsers are known to disagree on them (llhttp reads `chunked ,` as a coding other than chunked).
 */
import { HTAB, SP, TOKEN_BYTE } from './field-bytes.ts';

const COMMA = 0x2c;

/**
 * Calls `visit` with each element's bounds in `buffer[start, end)`; stops and returns the first reason `visit`
 * gives, or a reason of its own when an element is not a token; null when all went well.
 */
export function forEachToken(
  buffer: Uint8Array,
  start: number,
  end: number,
  visit: (tokenStart: number, tokenEnd: number) => string | null,
  emptyElements: 'skip' | 'refuse' = 'skip',
): string | null {
  let at = start;
  for (;;) {
    while (at < end && (buffer[at] === SP || buffer[at] === HTAB)) at++;
    const tokenStart = at;
    while (at < end && TOKEN_BYTE[buffer[at]!] === 1) at++;
    const tokenEnd = at;
    while (at < end && (buffer[at] === SP || buffer[at] === HTAB)) at++;
    if (at < end && buffer[at] !== COMMA) return 'a list element is not a token';
    if (tokenEnd > tokenStart) {
      const problem = visit(tokenStart, tokenEnd);
      if (problem !== null) return problem;
    } else if (emptyElements === 'refuse') return 'the list has an empty element';
    if (at === end) return null;
    at++;
  }
}

/** Whether `buffer[start, end)` is `lower` in any case; `lower` must be lower-case ASCII. */
export function isLowerAscii(buffer: Uint8Array, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const byte = buffer[start + i]!;
    if ((byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
