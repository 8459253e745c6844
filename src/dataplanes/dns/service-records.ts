/**
 * SRV records per listener and MX records for port 25 of a `dns` load balancer, pointing at its members' host names.
 * Both list every healthy member of both tiers: SRV and MX clients fail over by priority themselves.
 */
import type { Answer } from 'dns-packet';
import { type AnswerSet, answerSet } from '../../dns/answer-set.ts';
import { canonicalName } from '../../dns/domain-name.ts';
import type { NameRecords } from '../../dns/published-records.ts';
import type { ListenerSpec, LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import type { AnswerPolicy } from './answer-policy.ts';
import { isHostLabel } from './member-host-names.ts';
import { type Candidate, healthAnswer, poolCandidates, servedListeners } from './name-records.ts';

/** SRV priorities: regular members before backups. */
export const SRV_PRIORITY = { regular: 10, backup: 20 } as const;

/** MX for listeners on this port. */
export const SMTP_PORT = 25;

/** `_<name, when a host label, lower case; else the port>._<udp for UDP, else tcp>.<load balancer name>` */
export function srvOwner(listener: ListenerSpec, name: string): string {
  const label = isHostLabel(listener.name) ? listener.name.toLowerCase() : String(listener.port);
  return `_${label}._${listener.protocol === 'UDP' ? 'udp' : 'tcp'}.${canonicalName(name)}`;
}

/**
 * SRV owner -> its records, for each listener whose default pool answers: the pool's healthy members of weight > 0
 * (priority 10 regular, 20 backup; SRV weight = member weight; the member's port; its host name as target), with
 * the A records' TTL and all-down policy, `fallback` giving none (fallback addresses have no host names). Of
 * listeners with the same owner, the first in spec order has it.
 */
export function serviceRecords(
  spec: LoadBalancerSpec,
  down: ReadonlySet<string>,
  policy: AnswerPolicy,
  hostNames: ReadonlyMap<string, string>,
): Map<string, NameRecords> {
  const owners = new Map<string, NameRecords>();
  for (const { listener, pool } of servedListeners(spec)) {
    const owner = srvOwner(listener, spec.name);
    if (owners.has(owner)) continue;
    const srv = pointerAnswer(poolCandidates(pool), down, policy, hostNames, (member, ttl, target) => ({
      type: 'SRV',
      name: '',
      ttl,
      class: 'IN',
      data: {
        priority: member.backup ? SRV_PRIORITY.backup : SRV_PRIORITY.regular,
        weight: member.weight,
        port: member.port,
        target,
      },
    }));
    owners.set(owner, srv ? { SRV: srv } : {});
  }
  return owners;
}

/**
 * MX records for the load balancer's name, from the members of the default pools of its listeners on port 25 over
 * TCP (any protocol but UDP): each healthy member's host name, preference 256 - weight for regular members and
 * 512 - weight for backups (regular members first, a heavier member preferred), as `serviceRecords` for the rest.
 */
export function mailExchangeRecords(
  spec: LoadBalancerSpec,
  down: ReadonlySet<string>,
  policy: AnswerPolicy,
  hostNames: ReadonlyMap<string, string>,
): AnswerSet | undefined {
  const seen = new Set<string>();
  const members = servedListeners(spec)
    .filter(({ listener }) => listener.port === SMTP_PORT && listener.protocol !== 'UDP')
    .flatMap(({ pool }) => poolCandidates(pool))
    .filter((member) => !seen.has(member.id) && seen.add(member.id));
  if (members.length === 0) return undefined;
  return pointerAnswer(members, down, policy, hostNames, (member, ttl, exchange) => ({
    type: 'MX',
    name: '',
    ttl,
    class: 'IN',
    data: { preference: (member.backup ? 512 : 256) - member.weight, exchange },
  }));
}

/**
 * Records naming members' host names: the healthy ones while one is up, all of them under `answer_all`, SERVFAIL
 * under `servfail`, none under `fallback`. Members without a host name are left out.
 */
function pointerAnswer(
  members: readonly Candidate[],
  down: ReadonlySet<string>,
  policy: AnswerPolicy,
  hostNames: ReadonlyMap<string, string>,
  record: (member: Candidate, ttl: number, hostName: string) => Answer,
): AnswerSet | undefined {
  const named = members.filter((member) => hostNames.has(member.id));
  const records = (listed: readonly Candidate[], ttl: number) =>
    answerSet(listed.map((member) => record(member, ttl, hostNames.get(member.id)!)));
  return healthAnswer(named, down, policy, {
    // Regular members first: clients order by priority, the listing only makes answers easier to read.
    up: (_tier, ttl) => records(ordered(named.filter((member) => member.weight > 0 && !down.has(member.id))), ttl),
    all: (all, ttl) => records(ordered(all), ttl),
  });
}

const ordered = (members: readonly Candidate[]) => [
  ...members.filter((member) => !member.backup),
  ...members.filter((member) => member.backup),
];
