/** What request and response heads share: their field lines as parsed, and the limits a head is parsed within. */

export interface HeadLimits {
  /** Bytes from the head's offset to the end of its blank line (empty lines before a request line included). */
  readonly maxHeadBytes: number;
  /** Field lines. */
  readonly maxHeaders: number;
}

/** A header field's name and value, as forwarding rules read them. */
export interface NamedValue {
  readonly name: string;
  readonly value: string;
}

/** One field line. */
export interface HeaderField extends NamedValue {
  /** Lower case. */
  readonly name: string;
  /** Without the whitespace around it; bytes read as Latin-1, as Node does. */
  readonly value: string;
  /** Byte offsets of the whole field line, its CRLF included, so a relay can copy it as it came. */
  readonly start: number;
  readonly end: number;
}

/**
 * A field line whose value becomes a string only when asked for: a relay copies the bytes, and reads the values of
 * the few fields it acts on (a string per value cost more than parsing the head).
 */
export class BufferedField implements HeaderField {
  constructor(
    readonly name: string,
    private readonly buffer: Buffer,
    private readonly valueStart: number,
    private readonly valueEnd: number,
    readonly start: number,
    readonly end: number,
  ) {}

  get value(): string {
    return this.valueStart === this.valueEnd ? '' : this.buffer.toString('latin1', this.valueStart, this.valueEnd);
  }
}
