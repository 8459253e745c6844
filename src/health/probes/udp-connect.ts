import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { HealthProbe } from '../health-probe.ts';
import { boundedProbe } from './bounded-probe.ts';

/**
 * UDP-CONNECT: sends one empty datagram on a connected socket. UDP has no handshake, so silence is success and the
 * member is down only when an ICMP port unreachable comes back (ECONNREFUSED) within the timeout, as the UDP checks
 * of HAProxy and keepalived behind Octavia decide.
 */
export const udpConnectProbe: HealthProbe = {
  type: 'UDP-CONNECT',
  probe: (target, spec, signal) =>
    boundedProbe(
      spec.timeout,
      signal,
      (settle) => {
        if ('socketPath' in target) throw new Error('UDP-CONNECT cannot probe a Unix socket member');
        const socket = createSocket(isIP(target.address) === 6 ? 'udp6' : 'udp4');
        socket.on('error', (error: NodeJS.ErrnoException) =>
          settle(false, error.code === 'ECONNREFUSED' ? 'ICMP port unreachable' : error.message),
        );
        socket.on('message', () => settle(true, 'datagram answered'));
        let open = true;
        socket.once('close', () => {
          open = false;
        });
        socket.connect(target.port, target.address, () => socket.send(Buffer.alloc(0)));
        return () => {
          if (open) socket.close();
        };
      },
      (timeoutSeconds) => ({ ok: true, reason: `no ICMP port unreachable within ${timeoutSeconds}s` }),
    ),
};
