import type { connect } from 'node:net';
import type { HealthProbe } from '../health-probe.ts';
import { boundedProbe } from './bounded-probe.ts';
import { openStream } from './socket-target.ts';

/** TCP: the member is up when it accepts a connection, as HAProxy's plain `check`. */
export const tcpProbe: HealthProbe = {
  type: 'TCP',
  probe: (target, spec, signal) =>
    boundedProbe(spec.timeout, signal, (settle) => {
      const socket = openStream(target);
      socket.once('connect', () => settle(true, 'connected'));
      socket.on('error', (error) => settle(false, error.message));
      return () => closeProbeSocket(socket);
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
