/**
 * Finds where a chunked body (RFC 9112 §7.1) ends, one byte of framing at a time and chunk data in one step, without
 * copying or allocating: the bytes themselves are relayed unchanged. Stricter than the grammar where leniency is
 * what smuggling lives on: no whitespace anywhere in a chunk-size line (the grammar's BWS around `;` and `=` is
 * refused, as llhttp does), CRLF and never a bare LF or CR, sizes bounded, chunk-size lines and trailers bounded.
 */
import type { BodyFraming } from './body-framing.ts';
import { CR, FIELD_VALUE_BYTE, HEX_VALUE, LF, QUOTED_PAIR_BYTE, QUOTED_TEXT_BYTE, TOKEN_BYTE } from './field-bytes.ts';

export interface ChunkedLimits {
  /** The largest chunk, in bytes; 2^53 - 1 at most (a size beyond is refused as an overflow). */
  readonly maxChunkSize: number;
  /** The longest chunk-size line: size digits and extensions, without the CRLF. */
  readonly maxChunkLineBytes: number;
  /** The largest trailer section, its field lines and final CRLF included. */
  readonly maxTrailerBytes: number;
}

export const DEFAULT_CHUNKED_LIMITS: ChunkedLimits = {
  maxChunkSize: Number.MAX_SAFE_INTEGER,
  maxChunkLineBytes: 4096,
  maxTrailerBytes: 16384,
};

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

// States, as small integers so the loop switches on a number.
const SIZE_FIRST = 0; // before the first hex digit of a chunk size
const SIZE = 1; // in the hex digits
const EXT_NAME_FIRST = 2; // after `;`
const EXT_NAME = 3;
const EXT_VALUE_FIRST = 4; // after `=`
const EXT_TOKEN = 5;
const EXT_QUOTED = 6;
const EXT_QUOTED_PAIR = 7; // after `\` in a quoted value
const EXT_QUOTED_END = 8; // after the closing `"`
const SIZE_LF = 9; // CR seen at the end of a chunk-size line
const DATA = 10;
const DATA_CR = 11; // chunk data done, CR expected
const DATA_LF = 12;
const TRAILER_FIRST = 13; // at the start of a trailer line, or of the final CRLF
const TRAILER_NAME = 14;
const TRAILER_VALUE = 15;
const TRAILER_LF = 16; // CR seen at the end of a trailer field line
const FINAL_LF = 17; // CR of the empty line that ends the body
const DONE = 18;
const INVALID = 19;

export class ChunkedBody implements BodyFraming {
  private readonly limits: ChunkedLimits;
  private state = SIZE_FIRST;
  /** The chunk size being read, then the bytes of chunk data still to come. */
  private remaining = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  problem: string | null = null;
  /**
   * Where chunk data goes as it is fed, `buffer[start, end)`: for a relay that passes the body on without its
   * chunked framing (to an HTTP/2 stream); null for one that copies the framing too.
   */
  dataSink: ((buffer: Uint8Array, start: number, end: number) => void) | null = null;

  constructor(limits?: Partial<ChunkedLimits>) {
    this.limits = { ...DEFAULT_CHUNKED_LIMITS, ...limits };
  }

  get complete(): boolean {
    return this.state === DONE;
  }

  closed(): boolean {
    return this.state === DONE;
  }

  feed(buffer: Uint8Array, start = 0, end = buffer.length): number {
    if (this.state === DONE) return 0;
    if (this.state === INVALID) return -1;
    let at = start;
    while (at < end) {
      if (this.state === DATA) {
        const taken = Math.min(this.remaining, end - at);
        if (this.dataSink !== null && taken > 0) this.dataSink(buffer, at, at + taken);
        at += taken;
        this.remaining -= taken;
        if (this.remaining === 0) this.state = DATA_CR;
        continue;
      }
      const problem = this.step(buffer[at]!);
      at++;
      if (problem !== null) {
        this.problem = problem;
        this.state = INVALID;
        return -1;
      }
      if (this.state === DONE) return at - start;
    }
    return at - start;
  }

  /** Takes one byte of framing (anything but chunk data); returns why it is invalid, or null. */
  private step(byte: number): string | null {
    switch (this.state) {
      case SIZE_FIRST:
        if (HEX_VALUE[byte]! < 0) return 'a chunk size is not hexadecimal';
        this.remaining = HEX_VALUE[byte]!;
        this.lineBytes = 1;
        this.state = SIZE;
        return this.remaining > this.limits.maxChunkSize ? 'a chunk size is too large' : null;
      case SIZE:
        if (HEX_VALUE[byte]! >= 0) {
          this.remaining = this.remaining * 16 + HEX_VALUE[byte]!;
          if (this.remaining > this.limits.maxChunkSize) return 'a chunk size is too large';
          return this.countLineByte();
        }
        return this.afterSizeOrExtension(byte, 'a chunk size is followed by neither `;` nor CRLF');
      case EXT_NAME_FIRST:
        if (TOKEN_BYTE[byte] === 0) return 'a chunk extension has no name';
        this.state = EXT_NAME;
        return this.countLineByte();
      case EXT_NAME:
        if (TOKEN_BYTE[byte] === 1) return this.countLineByte();
        if (byte === EQUALS) {
          this.state = EXT_VALUE_FIRST;
          return this.countLineByte();
        }
        return this.afterSizeOrExtension(byte, 'a chunk extension name is not a token');
      case EXT_VALUE_FIRST:
        if (byte === QUOTE) this.state = EXT_QUOTED;
        else if (TOKEN_BYTE[byte] === 1) this.state = EXT_TOKEN;
        else return 'a chunk extension value is neither a token nor a quoted string';
        return this.countLineByte();
      case EXT_TOKEN:
        if (TOKEN_BYTE[byte] === 1) return this.countLineByte();
        return this.afterSizeOrExtension(byte, 'a chunk extension value is not a token');
      case EXT_QUOTED:
        if (byte === QUOTE) this.state = EXT_QUOTED_END;
        else if (byte === BACKSLASH) this.state = EXT_QUOTED_PAIR;
        else if (QUOTED_TEXT_BYTE[byte] === 0) return 'a chunk extension value holds a control character';
        return this.countLineByte();
      case EXT_QUOTED_PAIR:
        if (QUOTED_PAIR_BYTE[byte] === 0) return 'a chunk extension value holds a control character';
        this.state = EXT_QUOTED;
        return this.countLineByte();
      case EXT_QUOTED_END:
        return this.afterSizeOrExtension(byte, 'a chunk extension goes on after its quoted value');
      case SIZE_LF:
        if (byte !== LF) return 'a chunk-size line ends in CR without LF';
        this.state = this.remaining === 0 ? TRAILER_FIRST : DATA;
        return null;
      case DATA_CR:
        if (byte !== CR) return 'chunk data is not followed by CRLF';
        this.state = DATA_LF;
        return null;
      case DATA_LF:
        if (byte !== LF) return 'chunk data is not followed by CRLF';
        this.state = SIZE_FIRST;
        return null;
      case TRAILER_FIRST:
        if (byte === CR) this.state = FINAL_LF;
        else if (TOKEN_BYTE[byte] === 1) this.state = TRAILER_NAME;
        else return 'a trailer field line does not start with a field name';
        return this.countTrailerByte();
      case TRAILER_NAME:
        if (byte === COLON) this.state = TRAILER_VALUE;
        else if (TOKEN_BYTE[byte] === 0) return 'a trailer field name is not a token';
        return this.countTrailerByte();
      case TRAILER_VALUE:
        if (byte === CR) this.state = TRAILER_LF;
        else if (FIELD_VALUE_BYTE[byte] === 0) return 'a trailer field value holds a control character';
        return this.countTrailerByte();
      case TRAILER_LF:
        if (byte !== LF) return 'a trailer field line ends in CR without LF';
        this.state = TRAILER_FIRST;
        return this.countTrailerByte();
      case FINAL_LF:
        if (byte !== LF) return 'the chunked body ends in CR without LF';
        this.state = DONE;
        return this.countTrailerByte();
      default:
        return 'the chunked body is already over';
    }
  }

  /** After a size, an extension name or value: `;` starts an extension, CR ends the line. */
  private afterSizeOrExtension(byte: number, otherwise: string): string | null {
    if (byte === SEMICOLON) {
      this.state = EXT_NAME_FIRST;
      return this.countLineByte();
    }
    if (byte === CR) {
      this.state = SIZE_LF;
      return null;
    }
    return otherwise;
  }

  private countLineByte(): string | null {
    return ++this.lineBytes > this.limits.maxChunkLineBytes ? 'a chunk-size line is too long' : null;
  }

  private countTrailerByte(): string | null {
    return ++this.trailerBytes > this.limits.maxTrailerBytes ? 'the trailer section is too large' : null;
  }
}
