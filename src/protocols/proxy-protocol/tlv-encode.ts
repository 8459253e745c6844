/**
 * Sizes and writes v2 TLVs. Sizing first lets the encoder allocate the header once; writing then puts strings
 * straight into it, with no intermediate Buffers.
 */
import type { ProxyTlv, SslSubTlv } from './header.ts';
import { ALPN_ENCODING, KNOWN_SSL_SUB_TLV_CODES, KNOWN_TLV_CODES, SSL_SUB_TLV_CODES, TLV_CODES } from './tlv-codes.ts';
import { SSL_FIXED_LENGTH, TLV_HEADER_LENGTH, UNIQUE_ID_MAX_LENGTH } from './wire.ts';

type Value = string | Uint8Array;

function encodingOf(tlv: ProxyTlv | SslSubTlv): BufferEncoding {
  return tlv.type === 'alpn' ? ALPN_ENCODING : 'utf8';
}

function valueLength(value: Value, encoding: BufferEncoding): number {
  return typeof value === 'string' ? Buffer.byteLength(value, encoding) : value.length;
}

function checkedLength(length: number, what: string): number {
  if (length > 0xffff) throw new RangeError(`${what} TLV value exceeds 65535 bytes`);
  return length;
}

function subTlvsLength(tlvs: readonly SslSubTlv[]): number {
  let length = 0;
  for (const tlv of tlvs) {
    if (tlv.type === 'raw' && (KNOWN_SSL_SUB_TLV_CODES.has(tlv.code) || !isByte(tlv.code)))
      throw new RangeError(`raw SSL sub-TLV with type ${tlv.code}: use its name or a type of 0-255 not known here`);
    length += TLV_HEADER_LENGTH + checkedLength(valueLength(tlv.value, 'utf8'), tlv.type);
  }
  return length;
}

function valueLengthOf(tlv: ProxyTlv): number {
  switch (tlv.type) {
    case 'ssl':
      if (!isByte(tlv.client) || !Number.isInteger(tlv.verify) || tlv.verify < 0 || tlv.verify > 0xffffffff)
        throw new RangeError('SSL TLV: client is one byte, verify an unsigned 32-bit number');
      return checkedLength(SSL_FIXED_LENGTH + subTlvsLength(tlv.tlvs), 'ssl');
    case 'unique-id':
      if (tlv.value.length > UNIQUE_ID_MAX_LENGTH) throw new RangeError('UNIQUE_ID TLV exceeds 128 bytes');
      return tlv.value.length;
    case 'raw':
      if (KNOWN_TLV_CODES.has(tlv.code) || !isByte(tlv.code))
        throw new RangeError(`raw TLV with type ${tlv.code}: use its name or a type of 0-255 not known here`);
      return checkedLength(tlv.value.length, 'raw');
    default:
      return checkedLength(valueLength(tlv.value, encodingOf(tlv)), tlv.type);
  }
}

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xff;
}

/** Bytes the TLVs take on the wire, headers included; throws RangeError on values that cannot be sent. */
export function tlvsLength(tlvs: readonly ProxyTlv[]): number {
  let length = 0;
  for (const tlv of tlvs) length += TLV_HEADER_LENGTH + valueLengthOf(tlv);
  return length;
}

function writeValue(header: Buffer, at: number, value: Value, encoding: BufferEncoding): number {
  if (typeof value === 'string') return at + header.write(value, at, encoding);
  header.set(value, at);
  return at + value.length;
}

function writeTlvHeader(header: Buffer, at: number, code: number, length: number): number {
  header[at] = code;
  header.writeUInt16BE(length, at + 1);
  return at + TLV_HEADER_LENGTH;
}

/** Writes TLVs sized by tlvsLength at `at`; returns the offset after them. */
export function writeTlvs(header: Buffer, at: number, tlvs: readonly ProxyTlv[]): number {
  for (const tlv of tlvs) {
    if (tlv.type === 'ssl') {
      at = writeTlvHeader(header, at, TLV_CODES.ssl, SSL_FIXED_LENGTH + subTlvsLength(tlv.tlvs));
      header[at] = tlv.client;
      header.writeUInt32BE(tlv.verify, at + 1);
      at += SSL_FIXED_LENGTH;
      for (const sub of tlv.tlvs) {
        const code = sub.type === 'raw' ? sub.code : SSL_SUB_TLV_CODES[sub.type];
        at = writeTlvHeader(header, at, code, valueLength(sub.value, 'utf8'));
        at = writeValue(header, at, sub.value, 'utf8');
      }
    } else {
      const code = tlv.type === 'raw' ? tlv.code : TLV_CODES[tlv.type];
      const encoding = encodingOf(tlv);
      at = writeTlvHeader(header, at, code, valueLength(tlv.value, encoding));
      at = writeValue(header, at, tlv.value, encoding);
    }
  }
  return at;
}
