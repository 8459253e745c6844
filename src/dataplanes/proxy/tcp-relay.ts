import type { Socket } from 'node:net';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import type { AccessLog } from '../../observability/access-log/access-log.ts';
import { connectToMember, MemberUnreachable } from './member-connection.ts';
import { peekServerName } from './peek-server-name.ts';
import { MEMBER_ATTEMPTS, type PoolRuntime } from './pool-runtime.ts';
import type { Preamble } from './proxy-preamble.ts';
import { clientServerNameOf } from './tls/tls-connection.ts';
import type { ListenerCounters } from './traffic-counters.ts';

export interface TcpRoute {
  listenerId: string;
  accessLog: AccessLog | null;
  pool: PoolRuntime | null;
  timeouts: { clientDataMs: number; memberConnectMs: number; memberDataMs: number };
  /** The bytes a member expects before the client's (a PROXY protocol header), or null. */
  preamble: Preamble | null;
  /**
   * How long to wait for the client's TLS ClientHello, to name its server in the PROXY v2 header, before choosing
   * a member; 0: do not wait.
   */
  inspectMs: number;
}

/** The relay a socket belongs to, so that one set of listener functions serves every connection. */
const RELAY = Symbol('relay');
type RelaySocket = Socket & { [RELAY]: TcpRelay };

/**
 * One client connection relayed to one member, byte for byte, until both sides are done. A member that cannot be
 * reached is reported to the pool and another is tried; when none can be, the client is closed at once.
 *
 * The listeners are functions shared by all connections, finding their relay through the socket: an idle connection
 * holds its two sockets and this object, not a dozen closures per side as `pipe` made (bench/idle-connections).
 */
export function relayTcp(client: Socket, route: TcpRoute, counters: ListenerCounters): void {
  void new TcpRelay(client as RelaySocket, route, counters).connect();
}

class TcpRelay {
  member: MemberSpec | undefined;
  upstream: RelaySocket | undefined;
  termination: string | null = null;
  private finished = false;
  private readonly start = Date.now();
  private connectMs = -1;

  constructor(
    readonly client: RelaySocket,
    private readonly route: TcpRoute,
    private readonly counters: ListenerCounters,
  ) {
    client[RELAY] = this;
    client.setNoDelay(true);
    client.on('error', clientError);
    client.on('close', clientClosed);
    client.setTimeout(route.timeouts.clientDataMs);
    client.on('timeout', timedOut);
    // Hold what the client sends until a member is connected; it is relayed, not lost.
    client.pause();
  }

  async connect(): Promise<void> {
    const { client, route } = this;
    const peeked = route.inspectMs > 0 ? await peekServerName(client, route.inspectMs) : null;
    // Before any TLS handshake with the member, as HAProxy sends it.
    const preface = route.preamble ? route.preamble(client, peeked?.serverName ?? null) : undefined;
    const serverName = clientServerNameOf(client);
    const tried = new Set<string>();
    let upstream: Socket | undefined;
    while (!client.destroyed && tried.size < MEMBER_ATTEMPTS) {
      const candidate = route.pool?.pick(client, tried);
      if (!candidate) break;
      tried.add(candidate.id);
      try {
        const { memberConnectMs } = route.timeouts;
        const socket = await connectToMember(candidate, memberConnectMs, route.pool!.memberTls, {
          preface,
          serverName,
        });
        if (client.destroyed) {
          socket.destroy();
          return;
        }
        this.member = candidate;
        this.connectMs = Date.now() - this.start;
        route.pool!.started(candidate);
        upstream = socket;
        break;
      } catch (error) {
        if (!(error instanceof MemberUnreachable)) throw error;
        route.pool!.failed(candidate, error);
      }
    }
    if (!upstream) {
      this.termination = 'no-member';
      this.counters.requestErrors++;
      client.destroy();
      return;
    }
    const socket = upstream as RelaySocket;
    socket[RELAY] = this;
    this.upstream = socket;
    socket.on('error', memberError);
    socket.on('close', memberClosed);
    socket.setTimeout(route.timeouts.memberDataMs);
    socket.on('timeout', timedOut);
    if (peeked?.unread) socket.write(peeked.unread);
    // The client's end came while its hello was read: the member hears it now, as it would have.
    if (client.readableEnded) socket.end();
    for (const side of [client, socket]) {
      side.on('data', relayData);
      side.on('drain', resumePeer);
      side.on('end', endPeer);
    }
    client.resume();
  }

  /** The peer of one of the relay's two sockets. */
  peer(socket: RelaySocket): RelaySocket | undefined {
    return socket === this.client ? this.upstream : this.client;
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const { client, member, route } = this;
    if (member) route.pool?.ended(member);
    route.accessLog?.write({
      start: this.start,
      protocol: 'TCP',
      listenerId: route.listenerId,
      poolId: route.pool?.spec.id ?? null,
      memberId: member?.id ?? null,
      clientAddress: client.remoteAddress ?? '',
      clientPort: client.remotePort ?? 0,
      connectMs: this.connectMs,
      responseMs: -1,
      totalMs: Date.now() - this.start,
      status: 0,
      bytesIn: client.bytesRead,
      bytesOut: client.bytesWritten,
      termination: this.termination,
    });
  }
}

function relayData(this: RelaySocket, chunk: Buffer): void {
  // The other side's buffer is full: read no more from this one until it drains.
  if (!this[RELAY].peer(this)!.write(chunk)) this.pause();
}

function resumePeer(this: RelaySocket): void {
  this[RELAY].peer(this)!.resume();
}

/** One side finished sending: the other side is told, and can still send its own. */
function endPeer(this: RelaySocket): void {
  this[RELAY].peer(this)!.end();
}

function clientError(this: RelaySocket): void {
  this[RELAY].upstream?.destroy();
}

/**
 * A client that finished sending lets what is still queued towards the member go out; a reset, or a connection
 * closed by weir itself (shutdown, timeout), takes the member side down too.
 */
function clientClosed(this: RelaySocket, hadError: boolean): void {
  const relay = this[RELAY];
  if (hadError || !this.readableEnded) relay.upstream?.destroy();
  else relay.upstream?.end();
  relay.finish();
}

function memberError(this: RelaySocket): void {
  this[RELAY].client.destroy();
}

/** The member's close ends the client's side too; after an error or a timeout, abruptly, so no cut answer looks whole. */
function memberClosed(this: RelaySocket, hadError: boolean): void {
  const { client, termination } = this[RELAY];
  if (hadError || termination === 'timeout') client.destroy();
  else client.end();
}

function timedOut(this: RelaySocket): void {
  this[RELAY].termination = 'timeout';
  this.destroy();
}
