import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { createSecureContext, type SecureContext, type SecureContextOptions, TLSSocket } from 'node:tls';
import type { ListenerSpec } from '../../../model/load-balancer-spec.ts';
import { chooseAlpn, offeredAlpn } from '../../../protocols/tls/alpn-choice.ts';
import { certificateAlgorithms } from '../../../protocols/tls/certificate-algorithms.ts';
import { serverNameAsRead } from '../../../protocols/tls/client-hello.ts';
import { certificateNames, ServerNameIndex } from '../../../protocols/tls/server-name-index.ts';
import { tlsVersionRange } from '../../../protocols/tls/tls-versions.ts';
import { peekServerName } from '../peek-server-name.ts';
import { sessionIdContext } from './session-id-context.ts';
import { attachTlsConnection } from './tls-connection.ts';

type ListenerTls = ListenerSpec['tls'];

/** One certificate as served: its context, and how it is signed and keyed (for the PROXY v2 SSL TLV). */
export interface ServedCertificate {
  readonly context: SecureContext;
  readonly signatureAlgorithm: string;
  readonly keyAlgorithm: string;
}

/**
 * A listener's TLS as its sockets accept it: one secure context per certificate, built once per configuration and
 * reused by every handshake; the server name picks the certificate, the default answers an unknown or absent one.
 * A new configuration is a new TlsTermination: connections already established keep the contexts they were made
 * with, new handshakes get the new ones.
 */
export class TlsTermination {
  private readonly byName = new ServerNameIndex<ServedCertificate>();
  readonly defaultCertificate: ServedCertificate;
  /** Whether client certificates are asked for: only then are their facts computed. */
  readonly clientAuthentication: boolean;
  /** What every handshake gets but the certificate's context. */
  private readonly socketOptions: ConstructorParameters<typeof TLSSocket>[1];
  private readonly identity: string;

  /**
   * Throws what makes the configuration unusable (a key that does not fit its certificate, a version list OpenSSL
   * cannot honour, a cipher string it does not know), so the listener goes to ERROR with the reason.
   * `spoken`: the application protocols the listener carries itself (HTTP), or null for one relaying bytes.
   */
  constructor(
    listenerId: string,
    readonly tls: ListenerTls,
    spoken: readonly string[] | null,
    /** What session tickets are sealed with (LocalEngineOptions.ticketKeys). */
    ticketKeys: Buffer,
  ) {
    if (tls.certificates.length === 0) throw new Error('no certificate to serve');
    const range = tlsVersionRange(tls.versions);
    if ('problem' in range) throw new Error(`tls_versions: ${range.problem}`);
    this.clientAuthentication = tls.clientAuthentication !== 'NONE';
    const shared: SecureContextOptions = {
      ...range,
      // The server's order decides, as HAProxy's does by default.
      honorCipherOrder: true,
      // Sessions (tickets) resume only on this listener with these client certificate settings.
      sessionIdContext: sessionIdContext(listenerId, tls),
      // TLS 1.3 suites named in the string are used; without any, OpenSSL's defaults stay, as HAProxy's `ciphers`.
      ...(tls.ciphers ? { ciphers: tls.ciphers } : {}),
      ...(this.clientAuthentication && tls.clientCaPem ? { ca: tls.clientCaPem } : {}),
      ...(this.clientAuthentication && tls.clientCrlPem ? { crl: tls.clientCrlPem } : {}),
    };
    const served = tls.certificates.map((pair, i) => {
      const certificate = new X509Certificate(pair.certificateChainPem);
      const algorithms = certificateAlgorithms(certificate);
      let context: SecureContext;
      try {
        context = createSecureContext({ ...shared, cert: pair.certificateChainPem, key: pair.privateKeyPem });
        // What tls.Server's ticketKeys option does; a context made by hand has no other way to take them.
        (context as unknown as { context: { setTicketKeys(keys: Buffer): void } }).context.setTicketKeys(ticketKeys);
      } catch (error) {
        throw new Error(`certificate ${i === 0 ? 'default' : `SNI ${i}`}: ${(error as Error).message}`);
      }
      const entry = { context, signatureAlgorithm: algorithms.signature, keyAlgorithm: algorithms.key };
      this.byName.add(certificateNames(certificate), entry);
      return entry;
    });
    this.defaultCertificate = served[0]!;
    const alpn = offeredAlpn(tls.alpnProtocols, spoken);
    this.socketOptions = {
      isServer: true,
      secureContext: this.defaultCertificate.context,
      requestCert: this.clientAuthentication,
      // MANDATORY without a certificate: OpenSSL ends the handshake itself. A certificate that does not verify is
      // refused on `secure` under OPTIONAL too, as HAProxy's `verify optional` (the amphora sets no *-ignore-err).
      rejectUnauthorized: tls.clientAuthentication === 'MANDATORY',
      ...(alpn.length > 0 ? { ALPNCallback: ({ protocols }) => chooseAlpn(protocols, alpn) } : {}),
    };
    this.identity = JSON.stringify(tls);
  }

  /** Whether `tls` is the configuration this was built from: then it is kept, contexts and all. */
  serves(tls: ListenerTls): boolean {
    return JSON.stringify(tls) === this.identity;
  }

  certificateFor(serverName: string | null): ServedCertificate {
    return (serverName ? this.byName.find(serverName) : undefined) ?? this.defaultCertificate;
  }

  /**
   * Runs the handshake on an admitted connection, for at most `handshakeMs`; `serve` gets the decrypted socket once
   * it is done and the client's certificate, if one was asked for and sent, verified. A failed handshake closes the
   * connection.
   *
   * With SNI certificates, the certificate is chosen from the ClientHello before OpenSSL sees it, not in a
   * server-name callback: Node adds a callback's certificate next to the default one, and OpenSSL would keep serving
   * the default when their key types differ (an RSA certificate for one name, an EC default). With the default alone
   * there is nothing to choose: OpenSSL reads the hello straight off the socket, and the name comes from it after.
   */
  accept(raw: Socket, handshakeMs: number, serve: (secure: TLSSocket) => void): void {
    // A reset while the hello is read; afterwards the TLS socket reports the connection's errors.
    raw.on('error', handshakeFailed);
    if (this.tls.certificates.length === 1)
      return void this.handshake(raw, this.defaultCertificate, undefined, handshakeMs, serve);
    const deadline = Date.now() + handshakeMs;
    void peekServerName(raw, handshakeMs).then(({ serverName, unread }) => {
      // Gone, or finished sending before its hello was whole: there is no handshake to answer.
      if (raw.destroyed || unread !== null) return void raw.destroy();
      const left = Math.max(1, deadline - Date.now());
      this.handshake(raw, this.certificateFor(serverName), serverName, left, serve);
    });
  }

  /** `serverName`: what the peeked hello asked for, or undefined to take it from the finished handshake. */
  private handshake(
    raw: Socket,
    served: ServedCertificate,
    serverName: string | null | undefined,
    handshakeMs: number,
    serve: (secure: TLSSocket) => void,
  ): void {
    const options =
      served === this.defaultCertificate
        ? this.socketOptions
        : { ...this.socketOptions, secureContext: served.context };
    const socket = new TLSSocket(raw, options);
    socket.setTimeout(handshakeMs);
    socket.on('timeout', handshakeTimedOut);
    socket.on('error', handshakeFailed);
    socket.once('secure', () => {
      socket.setTimeout(0);
      socket.removeListener('timeout', handshakeTimedOut);
      socket.removeListener('error', handshakeFailed);
      // OpenSSL's name is as the client wrote it: read as the peek reads it (lower case, visible ASCII), or none.
      const name =
        serverName !== undefined
          ? serverName
          : serverNameAsRead((socket as { servername?: string | false }).servername);
      const connection = attachTlsConnection(socket, this, served, name);
      if (this.clientAuthentication && connection.facts.verifyResult !== 0) return void socket.destroy();
      serve(socket);
    });
  }
}

function handshakeTimedOut(this: TLSSocket): void {
  this.destroy();
}

function handshakeFailed(this: Socket): void {
  this.destroy();
}
