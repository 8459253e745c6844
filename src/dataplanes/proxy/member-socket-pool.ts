import type { Socket } from 'node:net';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import { connectToMember } from './member-connection.ts';

/** Idle connections kept per member: enough for a busy listener's concurrency, bounded so a burst does not linger. */
const MAX_IDLE_PER_MEMBER = 256;

/** A connection to a member, and whether it carried an exchange before (a reused one may have been closed meanwhile). */
export interface MemberSocket {
  readonly socket: Socket;
  readonly reused: boolean;
}

/**
 * Keep-alive connections to members for the HTTP fast path, as raw sockets: an exchange takes one (the most recently
 * used first, so surplus ones idle out) and gives it back when the member's answer was complete and keep-alive. A
 * member that leaves the pool has its idle connections closed; those in use close when their exchange ends.
 */
export class MemberSocketPool {
  private readonly idle = new Map<string, Socket[]>();
  private retained: ReadonlySet<string> | undefined;

  /** A connection to the member: an idle one unless `fresh`, else a new one within the timeout. */
  async acquire(member: MemberSpec, connectTimeoutMs: number, fresh = false): Promise<MemberSocket> {
    const sockets = fresh ? undefined : this.idle.get(member.id);
    while (sockets !== undefined && sockets.length > 0) {
      const socket = sockets.pop()!;
      if (socket.destroyed || socket.readyState !== 'open') {
        // Half closed by its member while idle: of no more use.
        socket.destroy();
        continue;
      }
      socket.removeListener('close', forgetOnClose);
      socket.removeListener('error', ignore);
      socket.removeListener('data', unexpected);
      socket.removeListener('timeout', unexpected);
      socket.removeListener('end', unexpected);
      socket.setTimeout(0);
      return { socket, reused: true };
    }
    return { socket: await connectToMember(member, connectTimeoutMs), reused: false };
  }

  /** Gives a connection whose exchange ended cleanly back for reuse; destroys it when it cannot be kept. */
  release(member: MemberSpec, socket: Socket, idleTimeoutMs: number): void {
    const sockets = this.idle.get(member.id) ?? [];
    if (socket.destroyed || (this.retained && !this.retained.has(member.id)) || sockets.length >= MAX_IDLE_PER_MEMBER) {
      socket.destroy();
      return;
    }
    this.idle.set(member.id, sockets);
    sockets.push(socket);
    owners.set(socket, sockets);
    socket.setTimeout(idleTimeoutMs);
    socket.on('timeout', unexpected);
    socket.once('close', forgetOnClose);
    socket.on('error', ignore);
    // A member has nothing to say on an idle connection: whatever it sends would be taken for the next answer.
    socket.on('data', unexpected);
    socket.on('end', unexpected);
  }

  /** Keeps the connections of these members and closes the idle ones of the others. */
  retain(members: readonly MemberSpec[]): void {
    this.retained = new Set(members.map((m) => m.id));
    for (const [id, sockets] of this.idle) {
      if (this.retained.has(id)) continue;
      this.idle.delete(id);
      for (const socket of sockets.splice(0)) socket.destroy();
    }
  }

  close(): void {
    this.retain([]);
  }
}

/** The idle list each pooled socket sits in, so a socket the member closes leaves it. */
const owners = new WeakMap<Socket, Socket[]>();

function forgetOnClose(this: Socket): void {
  const sockets = owners.get(this);
  const at = sockets?.indexOf(this) ?? -1;
  if (at >= 0) sockets!.splice(at, 1);
}

function ignore(): void {}

/** Data, an end or a timeout on an idle connection: it is done. */
function unexpected(this: Socket): void {
  this.destroy();
}
