/**
 * TLS from the proxy to a pool's members (Octavia's `tls_enabled` pools), as the amphora's HAProxy `server ... ssl`
 * lines do it: the pool's client certificate (`crt`), its CA and revocation list (`ca-file`, `crl-file`, then
 * `verify required`; without a CA `verify none`), its versions, ciphers and ALPN protocols. Members are addressed by
 * IP, and the amphora sends them the client's SNI only when its listener terminated TLS (`sni ssl_fc_sni`), so on a
 * plain listener no server name goes out and a verified member's certificate is checked for its chain (and
 * revocation), not for a host name, as HAProxy's `verify required` does without SNI or `verifyhost`.
 */
import { createConnection } from 'node:net';
import {
  type ConnectionOptions,
  createSecureContext,
  DEFAULT_CIPHERS,
  type SecureContext,
  type SecureVersion,
  type TLSSocket,
  connect as tlsConnect,
} from 'node:tls';
import type { MemberSpec, PoolSpec } from '../../model/load-balancer-spec.ts';
import { memberEndpoint } from './member-connection.ts';

/** Octavia's version names, lowest first, as Node spells them; SSLv3 Node does not speak. */
const VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
/** ALPN protocols an HTTP/1.1 connection to a member can carry (weir speaks no HTTP/2 to members). */
const HTTP1_ALPN = new Set(['http/1.1', 'http/1.0']);
/** Node's TLS 1.3 suites: Octavia's `tls_ciphers` is HAProxy's `ciphers`, which leaves TLS 1.3's suites alone. */
const TLS13_SUITES = DEFAULT_CIPHERS.split(':').filter((c) => c.startsWith('TLS_'));
const noHostCheck = (): undefined => undefined;
/** Connections whose handshake is done: a pooled one needs no wait before it carries a request. */
const secured = new WeakSet<TLSSocket>();

/** The secure context and options of one pool's member connections, built once per configuration. */
export class MemberTls {
  /** The last session each member gave, offered on the next connection to it to skip a full handshake. */
  private readonly sessions = new Map<string, Buffer>();

  private constructor(
    private readonly secureContext: SecureContext,
    private readonly verify: boolean,
    private readonly alpn: string[] | undefined,
  ) {}

  /** The pool's member TLS, null when it has none; throws with the reason when its settings cannot be used. */
  static forPool(pool: PoolSpec): MemberTls | null {
    const tls = pool.tls;
    if (!tls.enabled) return null;
    const versions = tls.versions.filter((v) => v !== 'SSLv3');
    const known = versions.filter((v): v is SecureVersion => VERSIONS.includes(v as SecureVersion));
    if (known.length < versions.length || (tls.versions.length > 0 && known.length === 0)) {
      throw new Error(`pool ${pool.id}: tls_versions ${tls.versions.join(', ')}: weir speaks ${VERSIONS.join(', ')}`);
    }
    known.sort((a, b) => VERSIONS.indexOf(a) - VERSIONS.indexOf(b));
    const ciphers = tls.ciphers ? withTls13Suites(tls.ciphers) : undefined;
    let secureContext: SecureContext;
    try {
      secureContext = createSecureContext({
        ...(tls.clientCertificate
          ? { cert: tls.clientCertificate.certificateChainPem, key: tls.clientCertificate.privateKeyPem }
          : {}),
        ...(tls.caPem ? { ca: tls.caPem, ...(tls.crlPem ? { crl: tls.crlPem } : {}) } : {}),
        ...(known.length > 0 ? { minVersion: known[0], maxVersion: known[known.length - 1] } : {}),
        ...(ciphers ? { ciphers } : {}),
      });
    } catch (error) {
      throw new Error(`pool ${pool.id}: member TLS settings: ${(error as Error).message}`);
    }
    // weir speaks HTTP/1.1 to members of HTTP pools: offering h2 there would let a member pick what weir cannot speak.
    const alpn = pool.protocol === 'TCP' ? tls.alpnProtocols : tls.alpnProtocols.filter((p) => HTTP1_ALPN.has(p));
    return new MemberTls(secureContext, tls.caPem !== null, alpn.length > 0 ? alpn : undefined);
  }

  /**
   * Opens a TLS connection to the member; `preface` (a PROXY protocol header) goes before the handshake, in clear,
   * as HAProxy sends it.
   */
  connect(member: MemberSpec, preface?: Buffer | string): TLSSocket {
    // tls.connect hands allowHalfOpen to its socket, as net.connect does; the typings leave it out.
    const options: ConnectionOptions & { allowHalfOpen: boolean } = {
      secureContext: this.secureContext,
      rejectUnauthorized: this.verify,
      checkServerIdentity: noHostCheck,
      ALPNProtocols: this.alpn,
      session: this.sessions.get(member.id),
      allowHalfOpen: true,
    };
    let socket: TLSSocket;
    if (preface === undefined) socket = tlsConnect({ ...options, ...memberEndpoint(member) });
    else {
      const raw = createConnection({ ...memberEndpoint(member), allowHalfOpen: true });
      raw.write(preface);
      socket = tlsConnect({ ...options, socket: raw });
    }
    socket.setNoDelay(true);
    socket.once('secureConnect', () => secured.add(socket));
    socket.on('session', (session: Buffer) => this.sessions.set(member.id, session));
    return socket;
  }

  /** Forgets the sessions of members no longer in the pool. */
  retain(members: readonly MemberSpec[]): void {
    for (const id of this.sessions.keys()) if (!members.some((m) => m.id === id)) this.sessions.delete(id);
  }
}

/** The event after which a member connection can carry a request, or null when it can now. */
export function memberReadyEvent(socket: { connecting: boolean; encrypted?: boolean }): string | null {
  if (socket.encrypted === true) return secured.has(socket as TLSSocket) ? null : 'secureConnect';
  return socket.connecting ? 'connect' : null;
}

/**
 * Why a member connection failed, in words for the operator: a socket error's code (ECONNREFUSED), the member's
 * certificate failing verification, or the TLS handshake failing otherwise (a version, cipher or alert).
 */
export function memberErrorReason(error: Error): string {
  const { code, reason } = error as NodeJS.ErrnoException & { reason?: string };
  if (code === undefined) return error.message;
  if (/^E[A-Z]+$/.test(code)) return code;
  if (code.startsWith('ERR_')) return `TLS handshake failed: ${reason ?? error.message}`;
  // OpenSSL's verification results (UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_REVOKED, ...), as Node names them.
  return `certificate verify failed: ${error.message}`;
}

function withTls13Suites(ciphers: string): string {
  return ciphers.split(':').some((c) => c.startsWith('TLS_')) ? ciphers : [...TLS13_SUITES, ciphers].join(':');
}
