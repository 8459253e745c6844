import type { Balancer, PickContext } from '../../balancing/balancer.ts';
import { balancerFor } from '../../balancing/balancer-for.ts';
import type { MemberSpec, PoolSpec } from '../../model/load-balancer-spec.ts';
import { MemberAgents } from './member-agents.ts';
import { MemberUnreachable } from './member-connection.ts';
import { MemberSocketPool } from './member-socket-pool.ts';
import { MemberTls, memberErrorReason } from './member-tls.ts';
import type { PersistenceContext } from './persistence/stick-sync.ts';
import { type Stickiness, samePersistence, stickinessFor } from './persistence/stickiness.ts';
import type { MemberTraffic } from './traffic-counters.ts';

/** Distinct members tried for one connection or request before giving up, as HAProxy's `retries 3` with redispatch. */
export const MEMBER_ATTEMPTS = 3;

/** How long a member that refused a connection stays out: long enough not to hammer it, short enough to recover. */
const PASSIVE_HOLD_MS = 2_000;

/**
 * A pool as the proxy runs it: its members, its balancer, and what health checks and failed connections said.
 * Active checks decide; a refused connection takes the member out at once (passive check) for PASSIVE_HOLD_MS,
 * or until an active check says otherwise.
 */
export class PoolRuntime {
  /** TLS to the members (a `tls_enabled` pool), built once per configuration; null: plain connections. */
  memberTls: MemberTls | null;
  readonly agents = new MemberAgents(() => this.memberTls);
  /** The HTTP fast path's keep-alive connections to members. */
  readonly sockets = new MemberSocketPool(() => this.memberTls);
  private balancer: Balancer<MemberSpec>;
  private readonly activelyDown = new Set<string>();
  private readonly passiveTimers = new Map<string, NodeJS.Timeout>();
  /** Session persistence, null without: then a pick is the balancer's alone. */
  stickiness: Stickiness | null;
  private members = new Map<string, MemberSpec>();
  /** By member id; a member's entry goes with the member. */
  private readonly traffic = new Map<string, MemberTraffic>();

  constructor(
    public spec: PoolSpec,
    private readonly persistence: PersistenceContext,
  ) {
    this.memberTls = MemberTls.forPool(spec);
    this.balancer = balancerFor<MemberSpec>(spec.algorithm, spec.maglev);
    this.balancer.update(spec.members);
    this.stickiness = stickinessFor(spec, persistence);
    this.followMembers();
  }

  update(spec: PoolSpec): void {
    // The Maglev settings are fixed at a pool's creation; compared anyway, as the balancer is built from them.
    const previous = this.spec;
    const newBalancer =
      spec.algorithm !== this.spec.algorithm ||
      spec.maglev.tableSize !== this.spec.maglev.tableSize ||
      spec.maglev.seed !== this.spec.maglev.seed;
    // Built before anything changes, so settings that cannot be used leave the pool as it was.
    const tlsChanged = JSON.stringify(spec.tls) !== JSON.stringify(this.spec.tls);
    if (tlsChanged) this.memberTls = MemberTls.forPool(spec);
    this.spec = spec;
    if (newBalancer) this.balancer = balancerFor<MemberSpec>(spec.algorithm, spec.maglev);
    this.balancer.update(spec.members);
    if (!samePersistence(previous.sessionPersistence, spec.sessionPersistence)) {
      this.stickiness?.close();
      this.stickiness = stickinessFor(spec, this.persistence);
    }
    this.followMembers();
    // Idle connections made with other TLS settings go; those in use finish their exchange.
    if (tlsChanged) {
      this.agents.retain([]);
      this.sockets.retain([]);
    }
    this.agents.retain(spec.members);
    this.sockets.retain(spec.members);
    this.memberTls?.retain(spec.members);
    if (newBalancer) for (const id of this.activelyDown) this.balancer.setUp(id, false);
  }

  /** An active health-check transition. */
  setHealth(memberId: string, up: boolean): void {
    if (up) this.activelyDown.delete(memberId);
    else this.activelyDown.add(memberId);
    this.clearPassive(memberId);
    this.balancer.setUp(memberId, up);
  }

  /**
   * A member for a new connection or request, not one of `tried`; undefined when none is eligible. With session
   * persistence, the member the client is stuck to while it can serve (`cookies`: the request's Cookie fields);
   * else a balanced one, which the client is stuck to from then on.
   */
  pick(client: PickContext, tried: ReadonlySet<string>, cookies?: string): MemberSpec | undefined {
    const sticky = this.stickiness;
    if (sticky === null) return this.balanced(client, tried);
    const stuckId = sticky.stuck(client, cookies);
    const stuck = stuckId === undefined ? undefined : this.members.get(stuckId);
    if (stuck !== undefined && !tried.has(stuck.id) && this.serves(stuck)) return stuck;
    const member = this.balanced(client, tried);
    if (member !== undefined) sticky.stick(client, cookies, member.id, stuckId);
    return member;
  }

  /**
   * Whether a stuck member takes its clients: admin up and not found down, by health checks or a failed
   * connection. A member at weight 0 still does, as HAProxy's persistence goes on to a drained server.
   */
  private serves(member: MemberSpec): boolean {
    return member.adminStateUp && !this.activelyDown.has(member.id) && !this.passiveTimers.has(member.id);
  }

  private followMembers(): void {
    this.members = new Map(this.spec.members.map((m) => [m.id, m]));
    for (const id of this.traffic.keys()) if (!this.members.has(id)) this.traffic.delete(id);
    this.stickiness?.retain([...this.members.keys()]);
  }

  private balanced(client: PickContext, tried: ReadonlySet<string>): MemberSpec | undefined {
    for (let attempt = 0; attempt <= tried.size; attempt++) {
      const member = this.balancer.pick(client);
      if (!member || !tried.has(member.id)) return member;
    }
    return undefined;
  }

  started(member: MemberSpec): void {
    this.balancer.connectionStarted?.(member);
    let traffic = this.traffic.get(member.id);
    if (traffic === undefined) {
      traffic = { current: 0, total: 0 };
      this.traffic.set(member.id, traffic);
    }
    traffic.current++;
    traffic.total++;
  }

  ended(member: MemberSpec): void {
    this.balancer.connectionEnded?.(member);
    const traffic = this.traffic.get(member.id);
    if (traffic !== undefined) traffic.current--;
  }

  /** Each member's traffic so far, for the PROMETHEUS listeners. */
  memberTraffic(): [string, MemberTraffic][] {
    return [...this.traffic].map(([id, { current, total }]) => [id, { current, total }]);
  }

  /**
   * The member refused or did not answer a connection, or its TLS handshake failed (`cause`): it is taken out, and
   * the reason goes to the log, once per time out.
   */
  failed(member: MemberSpec, cause?: unknown): void {
    if (this.activelyDown.has(member.id) || this.passiveTimers.has(member.id)) return;
    this.balancer.setUp(member.id, false);
    const reason =
      cause instanceof MemberUnreachable ? cause.reason : cause instanceof Error ? memberErrorReason(cause) : 'failed';
    console.error(
      `weir: proxy: pool ${this.spec.id}: member ${member.id} (${member.address}:${member.port}) out for ` +
        `${PASSIVE_HOLD_MS / 1000} s: ${reason}`,
    );
    // Health checks report changes only, so a member they still see up would never be brought back by them.
    const timer = setTimeout(() => {
      this.passiveTimers.delete(member.id);
      if (!this.activelyDown.has(member.id)) this.balancer.setUp(member.id, true);
    }, PASSIVE_HOLD_MS);
    this.passiveTimers.set(member.id, timer.unref());
  }

  /** The pool left the configuration: its idle member connections go. */
  close(): void {
    this.stickiness?.close();
    this.agents.close();
    this.sockets.close();
    for (const timer of this.passiveTimers.values()) clearTimeout(timer);
    this.passiveTimers.clear();
  }

  private clearPassive(memberId: string): void {
    const timer = this.passiveTimers.get(memberId);
    if (timer) clearTimeout(timer);
    this.passiveTimers.delete(memberId);
  }
}
