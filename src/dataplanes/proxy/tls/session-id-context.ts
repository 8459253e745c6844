import { createHash } from 'node:crypto';
import type { ListenerSpec } from '../../../model/load-balancer-spec.ts';

/**
 * The session ID context a listener's secure contexts bind their sessions to: OpenSSL resumes a session only under
 * the context it was made in, so a client certificate checked against one listener's CA, CRL and client
 * authentication is never taken as checked under another's. Without one, OpenSSL answers every offered session on a
 * listener asking for client certificates with a fatal alert. A hash, as OpenSSL keeps at most 32 bytes.
 */
export function sessionIdContext(listenerId: string, tls: ListenerSpec['tls']): string {
  // The certificates too: the ticket keys outlive a configuration, and a session made under a certificate that was
  // replaced (revoked, say) must not resume under its successor, as a reloaded HAProxy's would not.
  const certificates = tls.certificates.map((pair) => pair.certificateChainPem);
  const bound = [listenerId, tls.clientAuthentication, tls.clientCaPem, tls.clientCrlPem, certificates];
  return createHash('sha256').update(JSON.stringify(bound)).digest('hex').slice(0, 32);
}
