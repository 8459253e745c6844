/**
 * What a `dns` load balancer's name answers, by type: A and AAAA from the members of its listeners' default pools,
 * with Octavia's tiers and health, the pool's algorithm as the order, and a TTL that follows the monitors.
 */
import { isIP } from 'node:net';
import type { Answer } from 'dns-packet';
import { servingTier } from '../../balancing/member-set.ts';
import { type AnswerOrder, type AnswerSet, answerSet, SERVER_FAILURE } from '../../dns/answer-set.ts';
import type { NameRecords } from '../../dns/published-records.ts';
import type { LoadBalancerSpec, MemberSpec, PoolSpec } from '../../model/load-balancer-spec.ts';
import type { AnswerPolicy } from './answer-policy.ts';

const FAMILY = { A: 4, AAAA: 6 } as const;

/** A member that may be answered: it, its pool, listener and load balancer are admin up. */
interface Candidate {
  readonly id: string;
  readonly address: string;
  readonly weight: number;
  readonly backup: boolean;
  readonly pool: PoolSpec;
}

/**
 * Per address family: the members of the serving tier that health checks have not found down (the regular members
 * while one of them is up, else the backups), each address once, weighted by member weight and ordered by the first
 * listener's pool algorithm (`ROUND_ROBIN`: weighted random per query; `SOURCE_IP`: sticky per client), at most
 * `policy.maxRecords` of them. When every member of a family with weight > 0 is down, the all-down policy answers.
 * A family without such members has no records (NODATA).
 */
export function nameRecords(spec: LoadBalancerSpec, down: ReadonlySet<string>, policy: AnswerPolicy): NameRecords {
  const candidates = candidatesOf(spec);
  const order: AnswerOrder = candidates[0]?.pool.algorithm === 'SOURCE_IP' ? 'sticky' : 'weighted';
  const family = (type: 'A' | 'AAAA') => {
    const members = candidates.filter((c) => isIP(c.address) === FAMILY[type] && c.weight > 0);
    if (members.length === 0) return undefined;
    const { active, backup } = servingTier(members, (c) => !down.has(c.id));
    if (active.length > 0) {
      const ttl = healthTtl(members, down, policy, backup);
      return answerSet(
        active.map((c) => addressRecord(type, c.address, ttl)),
        { weights: active.map((c) => c.weight), order, limit: policy.maxRecords },
      );
    }
    return allDown(type, members, policy);
  };
  const a = family('A');
  const aaaa = family('AAAA');
  return { ...(a && { A: a }), ...(aaaa && { AAAA: aaaa }) };
}

function candidatesOf(spec: LoadBalancerSpec): Candidate[] {
  if (!spec.adminStateUp) return [];
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const listener of spec.listeners) {
    const pool = spec.pools.find((p) => p.id === listener.defaultPoolId);
    if (!listener.adminStateUp || !pool?.adminStateUp) continue;
    for (const member of pool.members) {
      if (!member.adminStateUp || seen.has(member.address)) continue;
      seen.add(member.address);
      candidates.push(candidate(member, pool));
    }
  }
  return candidates;
}

const candidate = ({ id, address, weight, backup }: MemberSpec, pool: PoolSpec): Candidate => ({
  id,
  address,
  weight,
  backup,
  pool,
});

/** The all-down policy's answer for a family whose members are all down. */
function allDown(type: 'A' | 'AAAA', members: readonly Candidate[], policy: AnswerPolicy): AnswerSet | undefined {
  if (policy.allDown === 'servfail') return SERVER_FAILURE;
  if (policy.allDown === 'fallback') {
    const addresses = policy.fallback.filter((address) => isIP(address) === FAMILY[type]);
    return addresses.length === 0 ? undefined : answerSet(addresses.map((a) => addressRecord(type, a, policy.minTtl)));
  }
  return answerSet(
    members.map((c) => addressRecord(type, c.address, policy.minTtl)),
    { weights: members.map((c) => c.weight), order: 'weighted', limit: policy.maxRecords },
  );
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

const addressRecord = (type: 'A' | 'AAAA', data: string, ttl: number): Answer => ({
  type,
  name: '',
  ttl,
  class: 'IN',
  data,
});
