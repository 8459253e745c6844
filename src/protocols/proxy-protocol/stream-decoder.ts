/**
 * Decodes the PROXY header at the start of a stream fed chunk by chunk. When the first chunk holds the whole header
 * (the usual case) nothing is copied and `rest` is a view of that chunk. Otherwise the bytes are buffered, in a
 * buffer that doubles as needed, and never more than the header may take: the decoder answers before that.
 * Timing is the caller's: a listener must also bound how long it waits for the header.
 */
import { decodeProxyHeader, type ProxyDecodeOptions } from './decode.ts';
import { type ProxyDecodeResult, refuse } from './decode-result.ts';

export class ProxyHeaderDecoder {
  private buffer: Buffer | undefined;
  private length = 0;
  private settled = false;

  constructor(private readonly options: ProxyDecodeOptions = {}) {}

  /** Feeds the next chunk; after a header or an error the decoder is done and refuses more. */
  push(chunk: Buffer): ProxyDecodeResult {
    if (this.settled) throw new Error('the PROXY header was already decoded or refused');
    const bytes = this.length === 0 ? chunk : this.append(chunk);
    const result = decodeProxyHeader(bytes, this.options);
    if (result.status !== 'need-more') {
      this.settled = true;
      this.buffer = undefined;
    } else if (bytes === chunk) {
      // Copied, so a caller reusing its chunk cannot change what was seen.
      this.append(chunk);
    }
    return result;
  }

  /** The stream ended: a partial header is an error, never a header. */
  end(): ProxyDecodeResult {
    if (this.settled) throw new Error('the PROXY header was already decoded or refused');
    this.settled = true;
    this.buffer = undefined;
    return refuse('truncated', `the stream ended after ${this.length} bytes, before the PROXY header did`);
  }

  private append(chunk: Buffer): Buffer {
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
}
