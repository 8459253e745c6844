import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import {
  createSecureContext,
  DEFAULT_CIPHERS,
  type PeerCertificate,
  type SecureContext,
  type SecureVersion,
} from 'node:tls';
import type { PoolSpec } from '../../model/load-balancer-spec.ts';
import { certificateNames, ServerNameIndex } from './server-name-index.ts';

/** Octavia's version names, lowest first, as Node spells them; SSLv3 Node does not speak. */
const VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
/** ALPN protocols an HTTP/1.1 connection to a member can carry (weir speaks no HTTP/2 to members). */
const HTTP1_ALPN = new Set(['http/1.1', 'http/1.0']);
/** Node's TLS 1.3 suites: Octavia's `tls_ciphers` is HAProxy's `ciphers`, which leaves TLS 1.3's suites alone. */
const TLS13_SUITES = DEFAULT_CIPHERS.split(':').filter((c) => c.startsWith('TLS_'));

/** What node:tls connects to a pool's members with (the proxy's connections and its health checks alike). */
export interface MemberTlsOptions {
  secureContext: SecureContext;
  /** With the pool's CA: the member's certificate must chain to it (HAProxy's `verify required`); else `verify none`. */
  rejectUnauthorized: boolean;
  /**
   * No host name check without a server name: members are addressed by IP, as the amphora's are. With one (see
   * withServerName), the certificate must name it.
   */
  checkServerIdentity: (host: string, certificate: PeerCertificate) => Error | undefined;
  /** The server name sent (SNI), when there is one. */
  servername?: string;
  ALPNProtocols: string[] | undefined;
}

const noHostCheck = (): undefined => undefined;

/**
 * The options for a pool's `tls` settings: its client certificate, CA and CRL, versions (the lowest and highest
 * listed), ciphers and ALPN protocols. `speaksHttp1`: weir speaks HTTP/1.1 over these connections, so h2 is not
 * offered. Throws with the reason when the settings cannot be used.
 */
export function memberTlsOptions(tls: PoolSpec['tls'], speaksHttp1: boolean): MemberTlsOptions {
  const versions = tls.versions.filter((v) => v !== 'SSLv3');
  const known = versions.filter((v): v is SecureVersion => VERSIONS.includes(v as SecureVersion));
  if (known.length < versions.length || (tls.versions.length > 0 && known.length === 0)) {
    throw new Error(`tls_versions ${tls.versions.join(', ')}: weir speaks ${VERSIONS.join(', ')}`);
  }
  known.sort((a, b) => VERSIONS.indexOf(a) - VERSIONS.indexOf(b));
  const secureContext = createSecureContext({
    ...(tls.clientCertificate
      ? { cert: tls.clientCertificate.certificateChainPem, key: tls.clientCertificate.privateKeyPem }
      : {}),
    ...(tls.caPem ? { ca: tls.caPem, ...(tls.crlPem ? { crl: tls.crlPem } : {}) } : {}),
    ...(known.length > 0 ? { minVersion: known[0], maxVersion: known[known.length - 1] } : {}),
    ...(tls.ciphers ? { ciphers: withTls13Suites(tls.ciphers) } : {}),
  });
  const alpn = speaksHttp1 ? tls.alpnProtocols.filter((p) => HTTP1_ALPN.has(p)) : tls.alpnProtocols;
  return {
    secureContext,
    rejectUnauthorized: tls.caPem !== null,
    checkServerIdentity: noHostCheck,
    ALPNProtocols: alpn.length > 0 ? alpn : undefined,
  };
}

function withTls13Suites(ciphers: string): string {
  return ciphers.split(':').some((c) => c.startsWith('TLS_')) ? ciphers : [...TLS13_SUITES, ciphers].join(':');
}

/**
 * `options` for a connection made for a client that asked for `serverName` on a listener terminating TLS: the name
 * goes to the member (SNI), and a member certificate that is verified must name it, as the amphora's `sni
 * ssl_fc_sni` with `verify required` does (HAProxy checks the names against the SNI it sent). An IP address is not a
 * server name (RFC 6066), and neither HAProxy nor weir would check one: the options stay as they are.
 */
export function withServerName(options: MemberTlsOptions, serverName: string): MemberTlsOptions {
  if (isIP(serverName) !== 0) return options;
  return {
    ...options,
    servername: serverName,
    ...(options.rejectUnauthorized ? { checkServerIdentity: certificateNamesServer } : {}),
  };
}

/**
 * Whether the member's certificate names `serverName` as HAProxy matches it: a subjectAltName DNS name or the
 * subject's CN, without regard to case, a wildcard covering one label. An error says it does not.
 */
function certificateNamesServer(serverName: string, certificate: PeerCertificate): Error | undefined {
  const names = new ServerNameIndex<true>();
  names.add(certificateNames(new X509Certificate(certificate.raw)), true);
  if (names.find(serverName)) return undefined;
  // Named as OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH is, so it is reported as a verification failure.
  return Object.assign(new Error(`the certificate does not name ${serverName}`), { code: 'HOSTNAME_MISMATCH' });
}
