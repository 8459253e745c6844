import { createHash } from 'node:crypto';
import type { ListenerSpec } from '../../../model/load-balancer-spec.ts';

/**
 * The session ID context a listener's secure contexts bind their sessions to: OpenSSL resumes a session only under
 * the context it was made in, so a client certificate checked against one listener's CA, CRL and client
 * authentication is never taken as checked under another's. Without one, OpenSSL answers every offered session on a
 * listener asking for client certificates with a fatal alert. A hash, as OpenSSL keeps at most 32 bytes.
 */
export function sessionIdContext(listenerId: string, tls: ListenerSpec['tls']): string {
  const bound = [listenerId, tls.clientAuthentication, tls.clientCaPem, tls.clientCrlPem];
  return createHash('sha256').update(JSON.stringify(bound)).digest('hex').slice(0, 32);
}
