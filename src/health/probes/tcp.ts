import type { connect } from 'node:net';
import type { HealthProbe } from '../health-probe.ts';
import { boundedProbe } from './bounded-probe.ts';
import { openStream, tlsOver } from './socket-target.ts';

/**
 * TCP: the member is up when it accepts a connection, as HAProxy's plain `check`; for a `tls_enabled` pool, when the
 * TLS handshake with the pool's settings completes, as the amphora's checks of an `ssl` server.
 */
export const tcpProbe: HealthProbe = {
  type: 'TCP',
  probe: (target, spec, signal) =>
    boundedProbe(spec.timeout, signal, (settle) => {
      const raw = openStream(target);
      const socket = target.tls === undefined ? raw : tlsOver(target.tls, raw);
      if (socket === raw) socket.once('connect', () => settle(true, 'connected'));
      else socket.once('secureConnect', () => settle(true, 'TLS handshake done'));
      socket.on('error', (error) => settle(false, error.message));
      // The TLS socket took over the connection's handle: it can only be destroyed, not reset.
      return () => (socket === raw ? closeProbeSocket(raw) : socket.destroy());
    }),
};

/**
 * Resets an IP connection rather than closing it, as HAProxy does after a check: a graceful close would leave one
 * TIME_WAIT socket on this side per probe. A Unix socket has no such state and can only be destroyed.
 */
function closeProbeSocket(socket: ReturnType<typeof connect>): void {
  if (socket.remoteFamily && !socket.destroyed) socket.resetAndDestroy();
  else socket.destroy();
}
