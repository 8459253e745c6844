/**
 * The fields that say how a message is framed and whether its connection persists (Content-Length,
 * Transfer-Encoding, Connection), read strictly from raw field lines as they are parsed. Whatever two parsers could
 * frame differently is refused: CL with TE, any repeated Content-Length, lengths that are not plain digits, chunked
 * applied twice or not last, list elements that are not tokens, and a tab after a framing value.
 */
import { HTAB } from './field-bytes.ts';
import { forEachToken, isLowerAscii } from './field-list.ts';
import { InternedNames } from './interned-names.ts';

/** The Connection options messages carry most, found without building a string. */
export const CONNECTION_OPTIONS = new InternedNames(['close', 'keep-alive', 'upgrade'], true);

const BOTH = 'both Content-Length and Transfer-Encoding';

export class FramingFields {
  /** The Content-Length, or -1 when there is none. */
  contentLength = -1;
  transferEncoding = false;
  /** Whether chunked is the final transfer coding. */
  chunked = false;
  /** Whether Connection lists close, and keep-alive. */
  close = false;
  keepAlive = false;
  /** The options Connection lists, lower-cased. */
  readonly connectionOptions: string[] = [];

  /**
   * Takes one field: its lower-cased name, its value's bounds without surrounding whitespace, and where the value's
   * trailing whitespace ends (the line's CR). Returns why the message must be refused, or null.
   */
  add(name: string, buffer: Buffer, valueStart: number, valueEnd: number, lineEnd: number): string | null {
    if (name === 'content-length') {
      if (this.contentLength !== -1) return 'more than one Content-Length field';
      if (this.transferEncoding) return BOTH;
      if (holdsTab(buffer, valueEnd, lineEnd)) return 'a tab after the Content-Length value';
      this.contentLength = decimal(buffer, valueStart, valueEnd);
      if (this.contentLength === -1) return 'Content-Length is not a number';
      if (this.contentLength > Number.MAX_SAFE_INTEGER) return 'Content-Length is larger than 2^53 - 1';
    } else if (name === 'transfer-encoding') {
      if (this.contentLength !== -1) return BOTH;
      // llhttp reads `chunked<HTAB>` as another coding than chunked.
      if (holdsTab(buffer, valueEnd, lineEnd)) return 'a tab after the Transfer-Encoding value';
      this.transferEncoding = true;
      const problem = forEachToken(
        buffer,
        valueStart,
        valueEnd,
        (codingStart, codingEnd) => {
          if (this.chunked) return 'chunked is not the final transfer coding';
          this.chunked = isLowerAscii(buffer, codingStart, codingEnd, 'chunked');
          return null;
        },
        'refuse',
      );
      if (problem !== null) return `Transfer-Encoding: ${problem}`;
    } else if (name === 'connection') {
      const problem = forEachToken(buffer, valueStart, valueEnd, (optionStart, optionEnd) => {
        const option =
          CONNECTION_OPTIONS.find(buffer, optionStart, optionEnd) ??
          buffer.toString('latin1', optionStart, optionEnd).toLowerCase();
        if (option === 'close') this.close = true;
        else if (option === 'keep-alive') this.keepAlive = true;
        this.connectionOptions.push(option);
        return null;
      });
      if (problem !== null) return `Connection: ${problem}`;
    }
    return null;
  }
}

function holdsTab(buffer: Buffer, start: number, end: number): boolean {
  for (let at = start; at < end; at++) if (buffer[at] === HTAB) return true;
  return false;
}

/** The number spelled by decimal digits only (inexact beyond 2^53), or -1. */
function decimal(buffer: Buffer, start: number, end: number): number {
  if (start === end) return -1;
  let value = 0;
  for (let at = start; at < end; at++) {
    const byte = buffer[at]!;
    if (byte < 0x30 || byte > 0x39) return -1;
    value = value * 10 + (byte - 0x30);
  }
  return value;
}
