/**
 * What a `dns` load balancer's name answers, by type: A and AAAA from the members of its listeners' default pools,
 * with Octavia's tiers and health, the pool's algorithm as the order, and a TTL that follows the monitors. Which
 * members may be answered, and how health, the all-down policy and the TTL shape an answer, serve SRV and MX too.
 */
import { isIP } from 'node:net';
import type { Answer } from 'dns-packet';
import { type MemberSnapshot, servingTier } from '../../balancing/member-set.ts';
import { type AnswerOrder, type AnswerSet, answerSet, SERVER_FAILURE } from '../../dns/answer-set.ts';
import type { NameRecords } from '../../dns/published-records.ts';
import type { ListenerSpec, LoadBalancerSpec, MemberSpec, PoolSpec } from '../../model/load-balancer-spec.ts';
import type { AnswerPolicy } from './answer-policy.ts';

const FAMILY = { A: 4, AAAA: 6 } as const;

/** A member that may be answered: it, its pool, listener and load balancer are admin up. */
export interface Candidate {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly backup: boolean;
  readonly pool: PoolSpec;
}

/**
 * Per address family: the members of the serving tier that health checks have not found down (the regular members
 * while one of them is up, else the backups), each address once (the first such member's weight), weighted by member
 * weight and ordered by the first served listener's pool algorithm (`ROUND_ROBIN`: weighted random per query; `SOURCE_IP`: sticky per client), at most
 * `policy.maxRecords` of them. When every member of a family with weight > 0 is down, the all-down policy answers.
 * A family without such members has no records (NODATA).
 */
export function nameRecords(spec: LoadBalancerSpec, down: ReadonlySet<string>, policy: AnswerPolicy): NameRecords {
  const served = servedListeners(spec);
  const order: AnswerOrder = served[0]?.pool.algorithm === 'SOURCE_IP' ? 'sticky' : 'weighted';
  const candidates = served.flatMap(({ pool }) => poolCandidates(pool));
  const family = (type: 'A' | 'AAAA') => {
    // Members sharing an address (other ports or pools) answer it once, when any of them may be answered.
    const addresses = (members: readonly Candidate[], ttl: number) => {
      const seen = new Set<string>();
      const unique = members.filter((c) => !seen.has(c.address) && seen.add(c.address));
      return answerSet(
        unique.map((c) => addressRecord(type, c.address, ttl)),
        { weights: unique.map((c) => c.weight), order, limit: policy.maxRecords },
      );
    };
    return healthAnswer(
      candidates.filter((c) => isIP(c.address) === FAMILY[type]),
      down,
      policy,
      {
        up: (tier, ttl) => addresses(tier.active, ttl),
        all: addresses,
        fallback: (ttl) => {
          const fallback = policy.fallback.filter((address) => isIP(address) === FAMILY[type]);
          return fallback.length === 0 ? undefined : answerSet(fallback.map((a) => addressRecord(type, a, ttl)));
        },
      },
    );
  };
  const a = family('A');
  const aaaa = family('AAAA');
  return { ...(a && { A: a }), ...(aaaa && { AAAA: aaaa }) };
}

/** The listeners whose default pool answers: listener, pool and load balancer admin up, in spec order. */
export function servedListeners(spec: LoadBalancerSpec): { listener: ListenerSpec; pool: PoolSpec }[] {
  if (!spec.adminStateUp) return [];
  return spec.listeners.flatMap((listener) => {
    const pool = spec.pools.find((p) => p.id === listener.defaultPoolId);
    return listener.adminStateUp && pool?.adminStateUp ? [{ listener, pool }] : [];
  });
}

/** The pool's members that may be answered: those admin up. */
export const poolCandidates = (pool: PoolSpec): Candidate[] =>
  pool.members.filter((m) => m.adminStateUp).map((m) => candidate(m, pool));

const candidate = ({ id, address, port, weight, backup }: MemberSpec, pool: PoolSpec): Candidate => ({
  id,
  address,
  port,
  weight,
  backup,
  pool,
});

/** How one type's records are made from members, for `healthAnswer`. */
export interface HealthAnswers {
  /** While a member is up: `tier` is Octavia's serving tier (its `active` members are up). */
  up(tier: MemberSnapshot<Candidate>, ttl: number): AnswerSet;
  /** All down, policy `answer_all`: every member. */
  all(members: readonly Candidate[], ttl: number): AnswerSet;
  /** All down, policy `fallback`; without it, or undefined, no records (NODATA). */
  fallback?(ttl: number): AnswerSet | undefined;
}

/**
 * One type's answer from `members` by health: of those with weight > 0, `answers.up` while one health checks have
 * not found down is left, at `healthTtl`; else the all-down policy at the minimum TTL (SERVFAIL, the fallback, or
 * all of them). No member of weight > 0: no records.
 */
export function healthAnswer(
  members: readonly Candidate[],
  down: ReadonlySet<string>,
  policy: AnswerPolicy,
  answers: HealthAnswers,
): AnswerSet | undefined {
  const weighted = members.filter((c) => c.weight > 0);
  if (weighted.length === 0) return undefined;
  const tier = servingTier(weighted, (c) => !down.has(c.id));
  if (tier.active.length > 0) return answers.up(tier, healthTtl(weighted, down, policy, tier.backup));
  if (policy.allDown === 'servfail') return SERVER_FAILURE;
  if (policy.allDown === 'fallback') return answers.fallback?.(policy.minTtl);
  return answers.all(weighted, policy.minTtl);
}

/**
 * The time until the answer could change, as gdnsd serves it: the least, over the family's monitored members, of
 * the checks that would flip one (`max_retries_down` for a member up, `max_retries` for one down) times the
 * monitor's delay; halved while the backups serve; clamped to the policy's bounds. Counted from the steady state:
 * the monitors report flips, not the checks in between.
 */
function healthTtl(members: readonly Candidate[], down: ReadonlySet<string>, policy: AnswerPolicy, backup: boolean) {
  let horizon = policy.maxTtl;
  for (const member of members) {
    const monitor = member.pool.healthMonitor;
    if (monitor === null || !monitor.adminStateUp) continue;
    const checks = down.has(member.id) ? monitor.maxRetries : monitor.maxRetriesDown;
    horizon = Math.min(horizon, checks * monitor.delaySeconds);
  }
  if (backup) horizon /= 2;
  return Math.min(policy.maxTtl, Math.max(policy.minTtl, Math.floor(horizon)));
}

export const addressRecord = (type: 'A' | 'AAAA', data: string, ttl: number): Answer => ({
  type,
  name: '',
  ttl,
  class: 'IN',
  data,
});
