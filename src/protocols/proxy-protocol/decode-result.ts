/** What the decoder answers for the bytes seen so far. */
import type { ProxyHeader } from './header.ts';

export type ProxyDecodeErrorReason =
  /** The bytes start neither `PROXY ` nor the v2 signature: the peer does not speak the PROXY protocol. */
  | 'not-proxy-protocol'
  /** No CRLF within the 107 bytes a v1 line may take. */
  | 'v1-too-long'
  /** A v1 line that is not `PROXY TCP4|TCP6 <src> <dst> <sport> <dport>` or `PROXY UNKNOWN...`. */
  | 'v1-malformed'
  | 'v1-bad-address'
  | 'v1-bad-port'
  /** The v2 signature with a version other than 2. */
  | 'unsupported-version'
  /** A v2 command other than LOCAL (0) and PROXY (1). */
  | 'unknown-command'
  /** A v2 family/transport byte other than 0x00, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32. */
  | 'unknown-family'
  /** A v2 length shorter than the family's address block. */
  | 'address-length'
  /** A v2 header longer than the configured cap. */
  | 'too-long'
  /** A TLV whose header or value runs past the end of the header. */
  | 'tlv-malformed'
  /** A TLV that is well formed but not valid for its type (CRC32C not 4 bytes, UNIQUE_ID over 128, ...). */
  | 'tlv-value'
  | 'crc32c-mismatch'
  /** The stream ended before the header did. */
  | 'truncated';

export type ProxyDecodeResult =
  | { status: 'need-more' }
  /** `consumed` bytes were the header; `rest` is what came after it, the start of the payload. */
  | { status: 'header'; header: ProxyHeader; consumed: number; rest: Buffer }
  | { status: 'error'; reason: ProxyDecodeErrorReason; message: string };

export const NEED_MORE: ProxyDecodeResult = Object.freeze({ status: 'need-more' });

export function refuse(reason: ProxyDecodeErrorReason, message: string): ProxyDecodeResult {
  return { status: 'error', reason, message };
}
