import {
  createSecureContext,
  DEFAULT_CIPHERS,
  type PeerCertificate,
  type SecureContext,
  type SecureVersion,
} from 'node:tls';
import type { PoolSpec } from '../../model/load-balancer-spec.ts';

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
  /** No host name check: members are addressed by IP and sent no server name, as the amphora's do without SNI. */
  checkServerIdentity: (host: string, certificate: PeerCertificate) => Error | undefined;
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
