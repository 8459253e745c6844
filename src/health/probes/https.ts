import { connect } from 'node:tls';
import { createHttpProbe } from './http-check.ts';
import { openStream, serverName, tlsOver } from './socket-target.ts';

/**
 * HTTPS: as HTTP, over TLS. The member's certificate is not verified, as Octavia's HAProxy checks do not verify it
 * (`check-ssl verify none`): members commonly carry self-signed or internal certificates. A `tls_enabled` pool's
 * target carries its settings without CA (the member-checks builder drops it), so its client certificate goes along.
 */
export const httpsProbe = createHttpProbe('HTTPS', (target, spec) =>
  target.tls === undefined
    ? connect({ socket: openStream(target), rejectUnauthorized: false, servername: serverName(spec) })
    : tlsOver(target.tls, openStream(target), serverName(spec)),
);
