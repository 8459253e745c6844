/**
 * The first bytes of a stream, kept contiguous while they arrive chunk by chunk, for a reader that needs them whole
 * (a PROXY header, a ClientHello). The buffer doubles as needed, so n bytes cost O(n) copying however they are cut:
 * joining each chunk to all the previous ones would copy them all again on every chunk.
 */
export class GrowingBuffer {
  private buffer: Buffer | undefined;
  /** How many bytes are kept. */
  length = 0;

  /** Copies `chunk` after the bytes kept, so a caller reusing its chunk cannot change them; a view of them all. */
  append(chunk: Buffer): Buffer {
    const needed = this.length + chunk.length;
    if (this.buffer === undefined || this.buffer.length < needed) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * (this.buffer?.length ?? 64)));
      this.buffer?.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length);
    this.length = needed;
    return this.buffer.subarray(0, this.length);
  }

  /** Lets the bytes go. */
  clear(): void {
    this.buffer = undefined;
    this.length = 0;
  }
}
