import { connect } from 'node:tls';
import { createHttpProbe } from './http-check.ts';
import { openStream, serverName } from './socket-target.ts';

/**
 * HTTPS: as HTTP, over TLS. The member's certificate is not verified, as Octavia's HAProxy checks do not verify it:
 * members commonly carry self-signed or internal certificates.
 */
export const httpsProbe = createHttpProbe('HTTPS', (target, spec) =>
  connect({ socket: openStream(target), rejectUnauthorized: false, servername: serverName(spec) }),
);
