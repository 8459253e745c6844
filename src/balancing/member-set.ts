import type { BalancerTarget } from './balancer.ts';

/** Octavia's member weights: 0 drains, 256 is the most. */
export const MAX_WEIGHT = 256;

/**
 * Which members may take new connections, frozen: algorithms build their picking structures from it and swap them
 * whole when it changes.
 */
export interface MemberSnapshot<T> {
  /** The tier below is the backups: no regular member is eligible. */
  readonly backup: boolean;
  /**
   * The serving tier's members with weight > 0, in configuration order, eligible or not (consistent hashing keeps
   * an ineligible member's place so that it gets its own keys back when it returns).
   */
  readonly tier: readonly T[];
  /** `eligible[i]`: `tier[i]` is admin up and not marked down by health checks. */
  readonly eligible: readonly boolean[];
  /** The eligible members of the tier, in order; empty when nothing may be picked. */
  readonly active: readonly T[];
}

/**
 * Octavia's member semantics in one place: admin down or health-checked down members are out, weight 0 drains
 * (never picked, existing connections finish), backups serve only while no regular member is eligible.
 */
export class MemberSet<T extends BalancerTarget> {
  #targets: readonly T[] = [];
  readonly #ids = new Set<string>();
  /** Health marks by member id; members start up, as a new member has had no check fail yet. */
  readonly #down = new Set<string>();
  #snapshot: MemberSnapshot<T> = snapshotOf([], new Set());

  get snapshot(): MemberSnapshot<T> {
    return this.#snapshot;
  }

  /** Replaces the member list; returns whether the snapshot changed. */
  update(targets: readonly T[]): boolean {
    this.#ids.clear();
    for (const target of targets) {
      if (this.#ids.has(target.id)) throw new Error(`member ${target.id} appears twice`);
      if (!Number.isInteger(target.weight) || target.weight < 0 || target.weight > MAX_WEIGHT) {
        throw new RangeError(`member ${target.id} has weight ${target.weight}, outside 0-${MAX_WEIGHT}`);
      }
      this.#ids.add(target.id);
    }
    // A member removed and added again is a new member: its old health mark is forgotten.
    for (const id of this.#down) if (!this.#ids.has(id)) this.#down.delete(id);
    this.#targets = Object.freeze([...targets]);
    return this.#refresh();
  }

  /** Records a health transition; returns whether the snapshot changed (often it does not: a backup, a drain). */
  setUp(id: string, up: boolean): boolean {
    // Reports for members the configuration no longer has are late, not errors.
    if (!this.#ids.has(id) || up !== this.#down.has(id)) return false;
    if (up) this.#down.delete(id);
    else this.#down.add(id);
    return this.#refresh();
  }

  #refresh(): boolean {
    const next = snapshotOf(this.#targets, this.#down);
    if (sameSnapshot(next, this.#snapshot)) return false;
    this.#snapshot = next;
    return true;
  }
}

function snapshotOf<T extends BalancerTarget>(targets: readonly T[], down: ReadonlySet<string>): MemberSnapshot<T> {
  return servingTier(targets, (t) => t.adminStateUp && !down.has(t.id));
}

/**
 * Octavia's tiers, for any member list: the regular members with weight > 0 while one of them is `eligible`, else
 * the backups with weight > 0.
 */
export function servingTier<T extends Pick<BalancerTarget, 'backup' | 'weight'>>(
  targets: readonly T[],
  eligible: (target: T) => boolean,
): MemberSnapshot<T> {
  const regular = tierOf(targets, false, eligible);
  if (regular.active.length > 0) return Object.freeze({ backup: false, ...regular });
  return Object.freeze({ backup: true, ...tierOf(targets, true, eligible) });
}

function tierOf<T extends Pick<BalancerTarget, 'backup' | 'weight'>>(
  targets: readonly T[],
  backup: boolean,
  isEligible: (target: T) => boolean,
) {
  const tier = targets.filter((t) => t.backup === backup && t.weight > 0);
  const eligible = tier.map(isEligible);
  const active = tier.filter((_, i) => eligible[i]);
  return { tier: Object.freeze(tier), eligible: Object.freeze(eligible), active: Object.freeze(active) };
}

function sameSnapshot<T extends BalancerTarget>(a: MemberSnapshot<T>, b: MemberSnapshot<T>): boolean {
  if (a.backup !== b.backup || a.tier.length !== b.tier.length) return false;
  for (let i = 0; i < a.tier.length; i++) {
    // Identity, not id: a new object for the same member must reach `pick`'s callers.
    if (a.tier[i] !== b.tier[i] || a.eligible[i] !== b.eligible[i]) return false;
  }
  return true;
}
