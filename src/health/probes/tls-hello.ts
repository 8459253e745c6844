import { connect } from 'node:tls';
import type { HealthProbe } from '../health-probe.ts';
import { boundedProbe } from './bounded-probe.ts';
import { openStream, serverName } from './socket-target.ts';

/** TLS-HELLO: the member completes a TLS handshake. Its certificate is not verified, as HAProxy's `check-ssl`. */
export const tlsHelloProbe: HealthProbe = {
  type: 'TLS-HELLO',
  probe: (target, spec, signal) =>
    boundedProbe(spec.timeout, signal, (settle) => {
      const socket = connect({ socket: openStream(target), rejectUnauthorized: false, servername: serverName(spec) });
      socket.once('secureConnect', () => settle(true, `TLS handshake completed (${socket.getProtocol()})`));
      socket.on('error', (error) => settle(false, error.message));
      socket.once('close', () => settle(false, 'connection closed during the TLS handshake'));
      return () => socket.destroy();
    }),
};
