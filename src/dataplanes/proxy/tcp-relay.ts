import type { Socket } from 'node:net';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import type { AccessLog } from '../../observability/access-log/access-log.ts';
import { connectToMember, MemberUnreachable } from './member-connection.ts';
import { peekServerName } from './peek-server-name.ts';
import { MEMBER_ATTEMPTS, type PoolRuntime } from './pool-runtime.ts';
import type { Preamble } from './proxy-preamble.ts';
import type { ListenerCounters } from './traffic-counters.ts';

export interface TcpRoute {
  listenerId: string;
  accessLog: AccessLog | null;
  pool: PoolRuntime | null;
  counters: ListenerCounters;
  timeouts: { clientDataMs: number; memberConnectMs: number; memberDataMs: number };
  /** The bytes a member expects before the client's (a PROXY protocol header), or null. */
  preamble: Preamble | null;
  /**
   * How long to wait for the client's TLS ClientHello, to name its server in the PROXY v2 header, before choosing
   * a member; 0: do not wait.
   */
  inspectMs: number;
}

/**
 * One client connection relayed to one member, byte for byte, until both sides are done. A member that cannot be
 * reached is reported to the pool and another is tried; when none can be, the client is closed at once.
 */
export async function relayTcp(client: Socket, route: TcpRoute): Promise<void> {
  const { counters, timeouts } = route;
  let member: MemberSpec | undefined;
  let upstream: Socket | undefined;
  let finished = false;
  const start = Date.now();
  let connectMs = -1;
  let termination: string | null = null;
  const finish = () => {
    if (finished) return;
    finished = true;
    counters.activeConnections--;
    counters.bytesIn += client.bytesRead;
    counters.bytesOut += client.bytesWritten;
    if (member) route.pool?.ended(member);
    route.accessLog?.write({
      start,
      protocol: 'TCP',
      listenerId: route.listenerId,
      poolId: route.pool?.spec.id ?? null,
      memberId: member?.id ?? null,
      clientAddress: client.remoteAddress ?? '',
      clientPort: client.remotePort ?? 0,
      connectMs,
      responseMs: -1,
      totalMs: Date.now() - start,
      status: 0,
      bytesIn: client.bytesRead,
      bytesOut: client.bytesWritten,
      termination,
    });
  };
  counters.totalConnections++;
  counters.activeConnections++;
  client.setNoDelay(true);
  client.on('error', () => upstream?.destroy());
  // A client that finished sending lets what is still queued towards the member go out; a reset, or a connection
  // closed by weir itself (shutdown, timeout), takes the member side down too.
  client.once('close', (hadError) => {
    if (hadError || !client.readableEnded) upstream?.destroy();
    else upstream?.end();
    finish();
  });
  client.setTimeout(timeouts.clientDataMs, () => {
    termination = 'timeout';
    client.destroy();
  });
  // Hold what the client sends until a member is connected; it is relayed, not lost.
  client.pause();

  const peeked = route.inspectMs > 0 ? await peekServerName(client, route.inspectMs) : null;
  const tried = new Set<string>();
  while (!client.destroyed && tried.size < MEMBER_ATTEMPTS) {
    const candidate = route.pool?.pick(client, tried);
    if (!candidate) break;
    tried.add(candidate.id);
    try {
      const socket = await connectToMember(candidate, timeouts.memberConnectMs);
      if (client.destroyed) {
        socket.destroy();
        return;
      }
      member = candidate;
      upstream = socket;
      connectMs = Date.now() - start;
      route.pool!.started(candidate);
      break;
    } catch (error) {
      if (!(error instanceof MemberUnreachable)) throw error;
      route.pool!.failed(candidate);
    }
  }
  if (!upstream) {
    termination = 'no-member';
    counters.requestErrors++;
    client.destroy();
    return;
  }
  const socket = upstream;
  socket.on('error', () => client.destroy());
  socket.once('close', (hadError) => (hadError ? client.destroy() : client.end()));
  socket.setTimeout(timeouts.memberDataMs, () => {
    termination = 'timeout';
    socket.destroy();
  });
  if (route.preamble) socket.write(route.preamble(client, peeked?.serverName ?? null));
  if (peeked?.unread) socket.write(peeked.unread);
  client.pipe(socket);
  socket.pipe(client);
  client.resume();
}
