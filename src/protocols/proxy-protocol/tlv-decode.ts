/**
 * Reads the TLVs of a v2 header. Values are copied out, so a decoded header does not keep the connection's read
 * buffer alive. The CRC32C TLV is not returned: its position is, for the caller to verify.
 */
import type { ProxyTlv, SslSubTlv } from './header.ts';
import { ALPN_ENCODING } from './tlv-codes.ts';
import {
  SSL_FIXED_LENGTH,
  TLV_ALPN,
  TLV_AUTHORITY,
  TLV_CRC32C,
  TLV_HEADER_LENGTH,
  TLV_NETNS,
  TLV_NOOP,
  TLV_SSL,
  TLV_SSL_CIPHER,
  TLV_SSL_CN,
  TLV_SSL_KEY_ALG,
  TLV_SSL_SIG_ALG,
  TLV_SSL_VERSION,
  TLV_UNIQUE_ID,
  UNIQUE_ID_MAX_LENGTH,
} from './wire.ts';

export type TlvsDecoded =
  | { ok: true; tlvs: ProxyTlv[]; crc32cAt: number }
  | { ok: false; reason: 'tlv-malformed' | 'tlv-value'; message: string };

const SSL_SUB_TYPES = new Map<number, Exclude<SslSubTlv['type'], 'raw'>>([
  [TLV_SSL_VERSION, 'version'],
  [TLV_SSL_CN, 'cn'],
  [TLV_SSL_CIPHER, 'cipher'],
  [TLV_SSL_SIG_ALG, 'sig-alg'],
  [TLV_SSL_KEY_ALG, 'key-alg'],
]);

const copy = (bytes: Buffer, start: number, end: number): Buffer => Buffer.from(bytes.subarray(start, end));

/** Walks the type/length/value triples in [start, end), calling `each`; a string is an error message. */
function walk(
  bytes: Buffer,
  start: number,
  end: number,
  each: (code: number, valueStart: number, valueEnd: number) => string | undefined,
): string | undefined {
  let at = start;
  while (at < end) {
    if (end - at < TLV_HEADER_LENGTH) return `${end - at} stray bytes where a TLV should start at offset ${at}`;
    const code = bytes[at]!;
    const valueEnd = at + TLV_HEADER_LENGTH + bytes.readUInt16BE(at + 1);
    if (valueEnd > end) return `TLV 0x${code.toString(16)} at offset ${at} runs past the end of its block`;
    const problem = each(code, at + TLV_HEADER_LENGTH, valueEnd);
    if (problem !== undefined) return problem;
    at = valueEnd;
  }
  return undefined;
}

/** An SSL TLV of at least SSL_FIXED_LENGTH bytes, or why its sub-TLVs are malformed. */
function decodeSsl(bytes: Buffer, start: number, end: number): ProxyTlv | string {
  const tlvs: SslSubTlv[] = [];
  const problem = walk(bytes, start + SSL_FIXED_LENGTH, end, (code, s, e) => {
    const type = SSL_SUB_TYPES.get(code);
    tlvs.push(
      type === undefined
        ? { type: 'raw', code, value: copy(bytes, s, e) }
        : { type, value: bytes.toString('utf8', s, e) },
    );
    return undefined;
  });
  if (problem !== undefined) return `in the SSL TLV: ${problem}`;
  return { type: 'ssl', client: bytes[start]!, verify: bytes.readUInt32BE(start + 1), tlvs };
}

export function decodeTlvs(bytes: Buffer, start: number, end: number): TlvsDecoded {
  const tlvs: ProxyTlv[] = [];
  let crc32cAt = -1;
  let invalid: string | undefined;
  const malformed = walk(bytes, start, end, (code, s, e) => {
    switch (code) {
      case TLV_CRC32C:
        if (e - s !== 4) invalid = `CRC32C TLV of ${e - s} bytes, not 4`;
        else if (crc32cAt !== -1) invalid = 'a second CRC32C TLV';
        crc32cAt = s;
        break;
      case TLV_ALPN:
        tlvs.push({ type: 'alpn', value: bytes.toString(ALPN_ENCODING, s, e) });
        break;
      case TLV_AUTHORITY:
        tlvs.push({ type: 'authority', value: bytes.toString('utf8', s, e) });
        break;
      case TLV_NOOP:
        tlvs.push({ type: 'noop', value: copy(bytes, s, e) });
        break;
      case TLV_UNIQUE_ID:
        if (e - s > UNIQUE_ID_MAX_LENGTH) invalid = `UNIQUE_ID TLV of ${e - s} bytes, over 128`;
        tlvs.push({ type: 'unique-id', value: copy(bytes, s, e) });
        break;
      case TLV_NETNS:
        tlvs.push({ type: 'netns', value: bytes.toString('utf8', s, e) });
        break;
      case TLV_SSL: {
        if (e - s < SSL_FIXED_LENGTH) {
          invalid = `SSL TLV of ${e - s} bytes, too short for its client and verify fields`;
          break;
        }
        const ssl = decodeSsl(bytes, s, e);
        if (typeof ssl === 'string') return ssl;
        tlvs.push(ssl);
        break;
      }
      default:
        tlvs.push({ type: 'raw', code, value: copy(bytes, s, e) });
    }
    // Stop at the first invalid value: it is reported as such, not as malformed.
    return invalid === undefined ? undefined : '';
  });
  if (invalid !== undefined) return { ok: false, reason: 'tlv-value', message: invalid };
  if (malformed !== undefined) return { ok: false, reason: 'tlv-malformed', message: malformed };
  return { ok: true, tlvs, crc32cAt };
}
