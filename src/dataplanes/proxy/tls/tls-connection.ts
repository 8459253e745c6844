import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ProxyTlv, SslSubTlv } from '../../../protocols/proxy-protocol/header.ts';
import { SSL_CLIENT_CERT_CONN, SSL_CLIENT_CERT_SESS, SSL_CLIENT_SSL } from '../../../protocols/proxy-protocol/wire.ts';
import type { ClientCertificateFacts } from '../../../protocols/tls/client-certificate-facts.ts';
import { clientCertificateHeaders } from '../../../protocols/tls/client-certificate-headers.ts';
import { NO_CLIENT_CERTIFICATE, peerCertificateFacts } from '../../../protocols/tls/peer-certificate-facts.ts';
import { x509VerifyCode } from '../../../protocols/tls/x509-verify-codes.ts';
import type { ServedCertificate, TlsTermination } from './tls-termination.ts';

const CONNECTION = Symbol('tls connection');
type WithConnection = Socket & { [CONNECTION]?: TlsConnection };

/** The verification result Node keeps on the socket's TLS handle; it has no public accessor off a tls.Server. */
type VerifyingHandle = { ssl: { verifyError(): (Error & { code?: string }) | undefined } | null };

/**
 * What one decrypted connection says about its TLS, worked out when first asked and kept for the connection's
 * life: the client certificate's facts, the X-SSL-* header values, the PROXY v2 TLVs. Requests on a keep-alive
 * connection and member connections opened for it reuse them; a listener that reads none computes none.
 */
export class TlsConnection {
  private knownFacts: ClientCertificateFacts | undefined;
  private headers: string[] | undefined;
  private tlvs: ProxyTlv[] | undefined;

  constructor(
    private readonly socket: TLSSocket,
    private readonly termination: TlsTermination,
    private readonly served: ServedCertificate,
    /** The server name the client asked for (SNI), or null. */
    readonly serverName: string | null,
  ) {}

  get facts(): ClientCertificateFacts {
    this.knownFacts ??= this.readFacts();
    return this.knownFacts;
  }

  private readFacts(): ClientCertificateFacts {
    if (!this.termination.clientAuthentication) return NO_CLIENT_CERTIFICATE;
    const peer = this.socket.getPeerX509Certificate();
    if (peer === undefined) return NO_CLIENT_CERTIFICATE;
    const error = (this.socket as unknown as VerifyingHandle).ssl?.verifyError();
    return peerCertificateFacts(peer, x509VerifyCode(error?.code ?? (error ? 'UNSPECIFIED' : undefined)));
  }

  /** The X-SSL-* headers (name, value, ...) for `keys`, the same on every request of the connection. */
  certificateHeaders(keys: readonly string[]): readonly string[] {
    this.headers ??= clientCertificateHeaders(keys, this.facts);
    return this.headers;
  }

  /**
   * ALPN and SSL with its sub-TLVs, as HAProxy's `send-proxy-v2-ssl` with `proxy-v2-options
   * ssl,cert-cn,ssl-cipher,cert-sig,cert-key` sends them (the server name goes in AUTHORITY, see proxy-preamble.ts).
   * SIG_ALG and KEY_ALG describe the certificate weir presented, as HAProxy's do.
   */
  proxyTlvs(): readonly ProxyTlv[] {
    if (this.tlvs !== undefined) return this.tlvs;
    const { socket } = this;
    const facts = this.facts;
    let client = SSL_CLIENT_SSL;
    if (facts.presented) {
      client |= SSL_CLIENT_CERT_SESS;
      if (!socket.isSessionReused()) client |= SSL_CLIENT_CERT_CONN;
    }
    const { served } = this;
    const sub: SslSubTlv[] = [{ type: 'version', value: socket.getProtocol() ?? '' }];
    const commonName = facts.subjectFields.get('CN');
    if (commonName !== undefined) sub.push({ type: 'cn', value: commonName });
    sub.push(
      { type: 'cipher', value: socket.getCipher().name },
      { type: 'sig-alg', value: served.signatureAlgorithm },
      { type: 'key-alg', value: served.keyAlgorithm },
    );
    const tlvs: ProxyTlv[] = [];
    if (socket.alpnProtocol) tlvs.push({ type: 'alpn', value: socket.alpnProtocol });
    tlvs.push({ type: 'ssl', client, verify: facts.verifyResult, tlvs: sub });
    this.tlvs = tlvs;
    return tlvs;
  }
}

export function attachTlsConnection(
  socket: TLSSocket,
  termination: TlsTermination,
  served: ServedCertificate,
  serverName: string | null,
): TlsConnection {
  const connection = new TlsConnection(socket, termination, served, serverName);
  (socket as WithConnection)[CONNECTION] = connection;
  return connection;
}

/** The X-SSL-* headers for a request on `socket`, when the listener asks for some (`keys`). */
export function clientCertificateHeadersOf(
  socket: Socket,
  keys: readonly string[] | null,
): readonly string[] | undefined {
  return keys === null ? undefined : tlsConnectionOf(socket)?.certificateHeaders(keys);
}

/** The TLS connection a decrypted client socket carries; undefined for a plain one. */
export function tlsConnectionOf(socket: Socket): TlsConnection | undefined {
  return (socket as WithConnection)[CONNECTION];
}

/**
 * The server name (SNI) the client on `socket` asked of a listener terminating TLS, null for none or a plain socket:
 * what TLS members are sent, as the amphora's `sni ssl_fc_sni`.
 */
export function clientServerNameOf(socket: Socket): string | null {
  return tlsConnectionOf(socket)?.serverName ?? null;
}
