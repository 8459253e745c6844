/**
 * TLS from the proxy to a pool's members (Octavia's `tls_enabled` pools), as the amphora's HAProxy `server ... ssl`
 * lines do it: the pool's client certificate (`crt`), its CA and revocation list (`ca-file`, `crl-file`, then
 * `verify required`; without a CA `verify none`), its versions, ciphers and ALPN protocols. Members are addressed by
 * IP, and the amphora sends them the client's SNI only when its listener terminated TLS (`sni ssl_fc_sni`): then a
 * verified member's certificate must name it too. Otherwise no server name goes out and a verified member's
 * certificate is checked for its chain (and revocation), not for a host name, as HAProxy's `verify required` does
 * without SNI or `verifyhost`.
 */
import { createConnection } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { MemberSpec, PoolSpec } from '../../model/load-balancer-spec.ts';
import { type MemberTlsOptions, memberTlsOptions, withServerName } from '../../protocols/tls/member-tls-options.ts';
import { memberEndpoint } from './member-connection.ts';
import { NO_SERVER_NAME, PerServerName } from './per-server-name.ts';

/** Connections whose handshake is done: a pooled one needs no wait before it carries a request. */
const secured = new WeakSet<TLSSocket>();

/** Server names whose sessions are kept per member. */
const SESSIONS_PER_MEMBER = 64;

/** The secure context and options of one pool's member connections, built once per configuration. */
export class MemberTls {
  /**
   * The last session each member gave for each server name, offered on the next connection to it with that name to
   * skip a full handshake. Never under another name: Node checks no certificate name on a resumed session.
   */
  private readonly sessions = new PerServerName<Buffer>(SESSIONS_PER_MEMBER);

  private constructor(private readonly options: MemberTlsOptions) {}

  /** The pool's member TLS, null when it has none; throws with the reason when its settings cannot be used. */
  static forPool(pool: PoolSpec): MemberTls | null {
    if (!pool.tls.enabled) return null;
    try {
      // HTTP, PROXY and PROXYV2 pools may carry weir's own HTTP/1.1; TCP and HTTPS pools carry the client's bytes.
      return new MemberTls(memberTlsOptions(pool.tls, pool.protocol !== 'TCP' && pool.protocol !== 'HTTPS'));
    } catch (error) {
      throw new Error(`pool ${pool.id}: member TLS settings: ${(error as Error).message}`);
    }
  }

  /**
   * Opens a TLS connection to the member; `preface` (a PROXY protocol header) goes before the handshake, in clear,
   * as HAProxy sends it. `serverName`: the name the client asked for of a listener terminating TLS, sent on (SNI) and
   * checked in the member's certificate; such a connection must carry only requests that came with that name.
   */
  connect(member: MemberSpec, preface?: Buffer | string, serverName: string | null = null): TLSSocket {
    const key = serverName ?? NO_SERVER_NAME;
    // tls.connect hands allowHalfOpen to its socket, as net.connect does; the typings leave it out.
    const options: ConnectionOptions & { allowHalfOpen: boolean } = {
      ...(serverName === null ? this.options : withServerName(this.options, serverName)),
      session: this.sessions.get(member.id, key),
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
    socket.on('session', (session: Buffer) => this.sessions.set(member.id, key, session));
    return socket;
  }

  /** Forgets the sessions of members no longer in the pool. */
  retain(members: readonly MemberSpec[]): void {
    this.sessions.retain(members);
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
