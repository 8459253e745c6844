/**
 * What a PROXY protocol header says, as plain data: the encoders take it and the decoder returns it, so a decoded
 * header can be encoded again unchanged. The address family is not given by callers: it follows from the addresses
 * (see address-pair.ts).
 */

export type ProxyCommand = 'proxy' | 'local';

/** STREAM is TCP (or a stream Unix socket), DGRAM is UDP (or a datagram Unix socket). */
export type ProxyTransport = 'stream' | 'dgram';

export interface IpEndpoint {
  /** IPv4 dotted quad or IPv6 text; decoded addresses are canonical, as Node prints `socket.remoteAddress`. */
  address: string;
  port: number;
}

export interface UnixEndpoint {
  /** At most 108 bytes of UTF-8. */
  path: string;
}

export type SslSubTlv =
  | { type: 'version' | 'cn' | 'cipher' | 'sig-alg' | 'key-alg'; value: string }
  | { type: 'raw'; code: number; value: Uint8Array };

/** Text values are UTF-8 on the wire (ALPN: latin1); the decoder turns invalid UTF-8 into U+FFFD. */
export type ProxyTlv =
  /** The negotiated ALPN protocol, as Node's `tlsSocket.alpnProtocol` gives it. */
  | { type: 'alpn'; value: string }
  /** The host name the client asked for (TLS SNI). */
  | { type: 'authority'; value: string }
  /** At most 128 bytes identifying the connection, e.g. HAProxy's unique-id. */
  | { type: 'unique-id'; value: Uint8Array }
  /** Padding: receivers skip it. */
  | { type: 'noop'; value: Uint8Array }
  | { type: 'netns'; value: string }
  /** `client` holds the SSL_CLIENT_* bits, `verify` is 0 when the client certificate verified. */
  | { type: 'ssl'; client: number; verify: number; tlvs: SslSubTlv[] }
  /** A type this decoder does not know (custom 0xE0-0xEF, experimental 0xF0, ...), kept as it came. */
  | { type: 'raw'; code: number; value: Uint8Array };

/** What encodeProxyV2 takes; encodeProxyV1 uses source and destination only (always TCP). */
export interface ProxyHeaderInput {
  command: ProxyCommand;
  /** Defaults to 'stream'. Ignored without addresses. */
  transport?: ProxyTransport;
  /** Both or neither; without them the family is UNSPEC (v1: `PROXY UNKNOWN`). */
  source?: IpEndpoint | UnixEndpoint;
  destination?: IpEndpoint | UnixEndpoint;
  tlvs?: readonly ProxyTlv[];
  /** Adds a CRC32C TLV (first, as HAProxy places it) computed over the finished header. */
  crc32c?: boolean;
}

export type ProxyFamily = 'unspec' | 'inet' | 'inet6' | 'unix';

export interface ProxyHeader {
  version: 1 | 2;
  command: ProxyCommand;
  family: ProxyFamily;
  /** Undefined with family 'unspec'. */
  transport?: ProxyTransport;
  source?: IpEndpoint | UnixEndpoint;
  destination?: IpEndpoint | UnixEndpoint;
  tlvs: ProxyTlv[];
  /** True when the header carried a CRC32C TLV; the decoder refuses headers whose CRC32C does not match. */
  crc32c: boolean;
}
