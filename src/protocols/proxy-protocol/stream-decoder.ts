/**
 * Decodes the PROXY header at the start of a stream fed chunk by chunk. When the first chunk holds the whole header
 * (the usual case) nothing is copied and `rest` is a view of that chunk. Otherwise the bytes are buffered, in a
 * buffer that doubles as needed, and never more than the header may take: the decoder answers before that.
 * Timing is the caller's: a listener must also bound how long it waits for the header.
 */
import { GrowingBuffer } from '../buffering/growing-buffer.ts';
import { decodeProxyHeader, type ProxyDecodeOptions } from './decode.ts';
import { type ProxyDecodeResult, refuse } from './decode-result.ts';

export class ProxyHeaderDecoder {
  private readonly kept = new GrowingBuffer();
  private settled = false;

  constructor(private readonly options: ProxyDecodeOptions = {}) {}

  /** Feeds the next chunk; after a header or an error the decoder is done and refuses more. */
  push(chunk: Buffer): ProxyDecodeResult {
    if (this.settled) throw new Error('the PROXY header was already decoded or refused');
    const bytes = this.kept.length === 0 ? chunk : this.kept.append(chunk);
    const result = decodeProxyHeader(bytes, this.options);
    if (result.status !== 'need-more') {
      this.settled = true;
      this.kept.clear();
    } else if (bytes === chunk) {
      this.kept.append(chunk);
    }
    return result;
  }

  /** The stream ended: a partial header is an error, never a header. */
  end(): ProxyDecodeResult {
    if (this.settled) throw new Error('the PROXY header was already decoded or refused');
    this.settled = true;
    const { length } = this.kept;
    this.kept.clear();
    return refuse('truncated', `the stream ended after ${length} bytes, before the PROXY header did`);
  }
}
