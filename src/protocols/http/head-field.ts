/** What request and response heads share: their field lines as parsed, and the limits a head is parsed within. */

export interface HeadLimits {
  /** Bytes from the head's offset to the end of its blank line (empty lines before a request line included). */
  readonly maxHeadBytes: number;
  /** Field lines. */
  readonly maxHeaders: number;
}

/** One field line. */
export interface HeaderField {
  /** Lower case. */
  readonly name: string;
  /** Without the whitespace around it; bytes read as Latin-1, as Node does. */
  readonly value: string;
  /** Byte offsets of the whole field line, its CRLF included, so a relay can copy it as it came. */
  readonly start: number;
  readonly end: number;
}
