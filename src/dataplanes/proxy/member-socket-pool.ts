import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import { MemberChannel } from './member-channel.ts';
import type { MemberTls } from './member-tls.ts';
import { NO_SERVER_NAME, PerServerName } from './per-server-name.ts';

/**
 * Idle connections kept per member and server name: enough for a busy listener's concurrency (an HTTP/2 client has up
 * to 100 streams at once per connection, each on a member connection of its own), bounded so a burst does not linger.
 */
const MAX_IDLE_PER_MEMBER = 1024;
/** Server names a member keeps idle connections for: clients choose them, so the set is bounded. */
const MAX_NAMES_PER_MEMBER = 16;
/** How often idle connections past their time are closed; a connection is never reused past it in any case. */
const SWEEP_MS = 1_000;

const destroyAll = (channels: MemberChannel[]) => {
  for (const channel of channels.splice(0)) channel.socket.destroy();
};

/**
 * Keep-alive connections to members for the HTTP fast path: an exchange takes one (the most recently used first, so
 * surplus ones idle out) and gives it back when the member's answer was complete and keep-alive. A member that
 * leaves the pool has its idle connections closed; those in use close when their exchange ends. A TLS connection
 * made with the server name a client asked for (the amphora's `sni ssl_fc_sni`) carries requests of that name only.
 */
export class MemberSocketPool {
  private readonly idle = new PerServerName<MemberChannel[]>(MAX_NAMES_PER_MEMBER, destroyAll);
  private retained: ReadonlySet<string> | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  /** `tls`: the pool's TLS to members as currently configured, null for plain connections. */
  constructor(private readonly tls: () => MemberTls | null = () => null) {}

  /** An idle connection to the member that is still open and within its idle time, if there is one. */
  takeIdle(member: MemberSpec, serverName: string | null = null): MemberChannel | undefined {
    const channels = this.idle.get(member.id, serverName ?? NO_SERVER_NAME);
    if (channels === undefined) return undefined;
    const now = performance.now();
    while (channels.length > 0) {
      const channel = channels.pop()!;
      // Half closed by its member while idle, or idle too long to trust: of no more use.
      if (channel.socket.readyState === 'open' && channel.idleUntil > now) return channel;
      channel.socket.destroy();
    }
    return undefined;
  }

  /** A new connection to the member (its TLS handshake done) within the connect timeout, with the member data timeout set. */
  connect(
    member: MemberSpec,
    connectTimeoutMs: number,
    dataTimeoutMs: number,
    serverName: string | null = null,
  ): Promise<MemberChannel> {
    return MemberChannel.open(member, connectTimeoutMs, dataTimeoutMs, this.tls(), this.forget, serverName);
  }

  /** Gives a connection whose exchange ended cleanly back for reuse; destroys it when it cannot be kept. */
  release(channel: MemberChannel, idleTimeoutMs: number): void {
    channel.user = null;
    channel.reused = true;
    const name = channel.serverName ?? NO_SERVER_NAME;
    // A name kept busy stays before names used once (PerServerName); plain connections have the one name.
    let channels =
      channel.serverName === null ? this.idle.get(channel.memberId, name) : this.idle.recent(channel.memberId, name);
    if (
      channel.socket.destroyed ||
      // Made under TLS settings changed since (plain, or another CA): its exchange is over, the connection goes.
      channel.tls !== this.tls() ||
      (this.retained && !this.retained.has(channel.memberId)) ||
      (channels?.length ?? 0) >= MAX_IDLE_PER_MEMBER
    ) {
      channel.socket.destroy();
      return;
    }
    if (channels === undefined) {
      channels = [];
      this.idle.set(channel.memberId, name, channels);
    }
    channel.idleUntil = performance.now() + idleTimeoutMs;
    channels.push(channel);
    this.sweeper ??= setInterval(this.sweep, SWEEP_MS).unref();
  }

  /** Keeps the connections of these members and closes the idle ones of the others. */
  retain(members: readonly MemberSpec[]): void {
    this.retained = new Set(members.map((m) => m.id));
    this.idle.retain(members, destroyAll);
  }

  close(): void {
    this.retain([]);
  }

  private readonly forget = (channel: MemberChannel): void => {
    const channels = this.idle.get(channel.memberId, channel.serverName ?? NO_SERVER_NAME);
    const at = channels?.indexOf(channel) ?? -1;
    if (at >= 0) channels!.splice(at, 1);
  };

  /** Closes the connections idle past their time; stops while none idle. */
  private readonly sweep = (): void => {
    const now = performance.now();
    let left = 0;
    for (const channels of this.idle.values()) {
      let kept = 0;
      for (const channel of channels) {
        if (channel.idleUntil > now) channels[kept++] = channel;
        else channel.socket.destroy();
      }
      channels.length = kept;
      left += kept;
    }
    // Names nothing idles for no longer count against the member's names.
    this.idle.prune((channels) => channels.length === 0);
    if (left === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  };
}
