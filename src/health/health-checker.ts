import { EventEmitter } from 'node:events';
import type { HealthCheckObserver } from './health-check-observer.ts';
import type { HealthProbe } from './health-probe.ts';
import { type MemberCheck, memberCheckKey } from './member-check.ts';
import { type LoopClock, type MemberHealth, MemberProbeLoop, type StatusChange } from './member-probe-loop.ts';
import { ProbeRegistry } from './probe-registry.ts';

/** A member's reported health changed: its first verdict, or a rise or fall threshold was crossed. */
export type HealthChange = { groupId: string; memberId: string } & StatusChange;

export type HealthCheckerEvents = { change: [HealthChange] };

export type HealthCheckerOptions = {
  registry?: ProbeRegistry;
  /** Epoch ms for the times in status(); tests may pin it. */
  now?: () => number;
  /** In [0, 1): spreads first probes; tests may pin it to probe at once. */
  random?: () => number;
  /** Told of every finished probe, for metrics. */
  observer?: HealthCheckObserver;
};

/**
 * Runs the health monitors of every load balancer on this node, provider-neutral: data planes hand over the
 * members to check per group (one load balancer) and listen for `change` events.
 *
 * setChecks is declarative and idempotent: a member whose target and monitor are unchanged keeps its probe loop,
 * tracker and timer; a changed one starts over as UNKNOWN; a missing one stops. Member ids are unique across groups,
 * as Octavia's member ids are.
 */
export class HealthChecker extends EventEmitter<HealthCheckerEvents> {
  readonly #registry: ProbeRegistry;
  readonly #clock: LoopClock;
  readonly #observer: HealthCheckObserver | undefined;
  readonly #groups = new Map<string, Map<string, MemberProbeLoop>>();
  readonly #groupOfMember = new Map<string, string>();
  #closed = false;

  constructor(options: HealthCheckerOptions = {}) {
    super();
    this.#registry = options.registry ?? new ProbeRegistry();
    this.#clock = { now: options.now ?? Date.now, random: options.random ?? Math.random };
    this.#observer = options.observer;
  }

  /**
   * Replaces the checks of one group. Everything is validated before anything changes, so a throw (a duplicate
   * member, a member of another group, an unsupported monitor type, out-of-range values) leaves the group as it was.
   */
  setChecks(groupId: string, checks: readonly MemberCheck[]): void {
    if (this.#closed) throw new Error('HealthChecker is closed');
    const current = this.#groups.get(groupId) ?? new Map<string, MemberProbeLoop>();
    const next = new Map<string, MemberProbeLoop>();
    const started: MemberProbeLoop[] = [];
    for (const check of checks) {
      if (next.has(check.memberId)) throw new Error(`member ${check.memberId} is listed twice in group ${groupId}`);
      const owner = this.#groupOfMember.get(check.memberId);
      if (owner !== undefined && owner !== groupId) {
        throw new Error(`member ${check.memberId} is already checked in group ${owner}`);
      }
      const existing = current.get(check.memberId);
      if (existing && memberCheckKey(existing.check) === memberCheckKey(check)) {
        next.set(check.memberId, existing);
      } else {
        const loop = this.#createLoop(groupId, check, this.#registry.get(check.monitor.type));
        next.set(check.memberId, loop);
        started.push(loop);
      }
    }
    for (const [memberId, loop] of current) {
      if (next.get(memberId) === loop) continue;
      loop.stop();
      this.#groupOfMember.delete(memberId);
    }
    for (const memberId of next.keys()) this.#groupOfMember.set(memberId, groupId);
    if (next.size > 0) this.#groups.set(groupId, next);
    else this.#groups.delete(groupId);
    for (const loop of started) loop.start();
  }

  removeGroup(groupId: string): void {
    const group = this.#groups.get(groupId);
    if (!group) return;
    for (const [memberId, loop] of group) {
      loop.stop();
      this.#groupOfMember.delete(memberId);
    }
    this.#groups.delete(groupId);
  }

  /** The member's health, or undefined when no monitor checks it. UNKNOWN members carry traffic as UP ones do. */
  status(memberId: string): MemberHealth | undefined {
    const groupId = this.#groupOfMember.get(memberId);
    if (groupId === undefined) return undefined;
    return this.#groups.get(groupId)?.get(memberId)?.health();
  }

  /** Stops every probe; pending timers are cleared and probes in flight aborted. */
  close(): void {
    this.#closed = true;
    for (const groupId of [...this.#groups.keys()]) this.removeGroup(groupId);
  }

  #createLoop(groupId: string, check: MemberCheck, probe: HealthProbe): MemberProbeLoop {
    const onChange = (change: StatusChange): void => {
      this.emit('change', { groupId, memberId: check.memberId, ...change });
    };
    // A private copy: the caller may reuse or mutate its objects, which must not change a running check.
    return new MemberProbeLoop(structuredClone(check), probe, onChange, this.#clock, this.#observer);
  }
}
