/** Byte values and sizes of the PROXY protocol (HAProxy's proxy-protocol.txt, sections 2.1 and 2.2). */

/** A v1 line with CRLF is at most 107 bytes: `PROXY TCP6 ` + two 39-character addresses + two ports + spaces. */
export const V1_MAX_LENGTH = 107;

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** Signature, version/command, family/transport, 2-byte length. */
export const V2_FIXED_LENGTH = 16;
export const V2_VERSION = 0x20;
export const V2_COMMAND_LOCAL = 0x00;
export const V2_COMMAND_PROXY = 0x01;

export const V2_FAMILY_UNSPEC = 0x00;
export const V2_FAMILY_INET = 0x10;
export const V2_FAMILY_INET6 = 0x20;
export const V2_FAMILY_UNIX = 0x30;
export const V2_TRANSPORT_STREAM = 0x01;
export const V2_TRANSPORT_DGRAM = 0x02;

/** Address block sizes: two addresses and, for IP, two ports. */
export const V2_INET_ADDRESSES = 12;
export const V2_INET6_ADDRESSES = 36;
export const V2_UNIX_ADDRESSES = 216;
export const UNIX_PATH_LENGTH = 108;

export const TLV_ALPN = 0x01;
export const TLV_AUTHORITY = 0x02;
export const TLV_CRC32C = 0x03;
export const TLV_NOOP = 0x04;
export const TLV_UNIQUE_ID = 0x05;
export const TLV_SSL = 0x20;
export const TLV_SSL_VERSION = 0x21;
export const TLV_SSL_CN = 0x22;
export const TLV_SSL_CIPHER = 0x23;
export const TLV_SSL_SIG_ALG = 0x24;
export const TLV_SSL_KEY_ALG = 0x25;
export const TLV_NETNS = 0x30;
/** Type and 2-byte length. */
export const TLV_HEADER_LENGTH = 3;
export const UNIQUE_ID_MAX_LENGTH = 128;
/** Client flags byte and 4-byte verify result before the SSL sub-TLVs. */
export const SSL_FIXED_LENGTH = 5;

/** Bits of the SSL TLV's client field. */
export const SSL_CLIENT_SSL = 0x01;
export const SSL_CLIENT_CERT_CONN = 0x02;
export const SSL_CLIENT_CERT_SESS = 0x04;
