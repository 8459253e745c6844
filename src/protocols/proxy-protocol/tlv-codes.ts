/** The TLV names of header.ts and their type bytes, for both directions. */
import type { ProxyTlv, SslSubTlv } from './header.ts';
import {
  TLV_ALPN,
  TLV_AUTHORITY,
  TLV_CRC32C,
  TLV_NETNS,
  TLV_NOOP,
  TLV_SSL,
  TLV_SSL_CIPHER,
  TLV_SSL_CN,
  TLV_SSL_KEY_ALG,
  TLV_SSL_SIG_ALG,
  TLV_SSL_VERSION,
  TLV_UNIQUE_ID,
} from './wire.ts';

export const TLV_CODES: Record<Exclude<ProxyTlv['type'], 'raw'>, number> = {
  alpn: TLV_ALPN,
  authority: TLV_AUTHORITY,
  noop: TLV_NOOP,
  'unique-id': TLV_UNIQUE_ID,
  ssl: TLV_SSL,
  netns: TLV_NETNS,
};

export const SSL_SUB_TLV_CODES: Record<Exclude<SslSubTlv['type'], 'raw'>, number> = {
  version: TLV_SSL_VERSION,
  cn: TLV_SSL_CN,
  cipher: TLV_SSL_CIPHER,
  'sig-alg': TLV_SSL_SIG_ALG,
  'key-alg': TLV_SSL_KEY_ALG,
};

/** Types the decoder turns into named TLVs (or checks, as CRC32C): a raw TLV may not use them. */
export const KNOWN_TLV_CODES = new Set([TLV_CRC32C, ...Object.values(TLV_CODES)]);
export const KNOWN_SSL_SUB_TLV_CODES = new Set(Object.values(SSL_SUB_TLV_CODES));

/** ALPN protocol names are bytes; Node hands them over as one-byte (latin1) strings. */
export const ALPN_ENCODING = 'latin1';
