/**
 * Decodes a PROXY header, v1 or v2, from the start of the bytes received so far: `need-more`, the header and how
 * many bytes it took, or an error. Bytes that cannot begin either version are refused at once, without waiting: the
 * spec forbids guessing, so a listener that expects PROXY drops a peer that does not send it.
 */
import { NEED_MORE, type ProxyDecodeResult, refuse } from './decode-result.ts';
import { decodeV1 } from './decode-v1.ts';
import { decodeV2 } from './decode-v2.ts';
import { V2_FIXED_LENGTH, V2_SIGNATURE } from './wire.ts';

export interface ProxyDecodeOptions {
  /**
   * The longest v2 header accepted, fixed part and TLVs included; default 1024. The format allows 65551 bytes,
   * more than any sender needs and a lot to buffer per connection before knowing anything.
   */
  maxV2Length?: number;
}

export const DEFAULT_MAX_V2_LENGTH = 1024;

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');

/** Whether bytes begin like `prefix` as far as both go. */
function startsLike(bytes: Buffer, prefix: Buffer): boolean {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export function decodeProxyHeader(bytes: Buffer, options: ProxyDecodeOptions = {}): ProxyDecodeResult {
  if (bytes.length === 0) return NEED_MORE;
  if (startsLike(bytes, V1_PREFIX)) return bytes.length < V1_PREFIX.length ? NEED_MORE : decodeV1(bytes);
  if (startsLike(bytes, V2_SIGNATURE)) {
    if (bytes.length < V2_FIXED_LENGTH) return NEED_MORE;
    return decodeV2(bytes, options.maxV2Length ?? DEFAULT_MAX_V2_LENGTH);
  }
  return refuse('not-proxy-protocol', 'the bytes begin neither a PROXY v1 line nor the v2 signature');
}
