/**
 * Per-member host names of a `dns` load balancer, `<label>.<name>`: what its SRV and MX records point at. A host
 * name is a fact, not a choice: it answers its member's address whatever health checks say.
 */
import { isIP } from 'node:net';
import { answerSet } from '../../dns/answer-set.ts';
import { canonicalName, domainNameProblem } from '../../dns/domain-name.ts';
import type { NameRecords } from '../../dns/published-records.ts';
import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import type { AnswerPolicy } from './answer-policy.ts';
import { addressRecord, poolCandidates, servedListeners } from './name-records.ts';

/** A host label (RFC 1123): 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen. */
export const isHostLabel = (text: string): boolean => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i.test(text);

/**
 * Member id -> its label, lower case: its `name` when that is a host label that no other member of the load
 * balancer has as name or id (case-insensitively), else its id. Every member of every pool counts, admin up or
 * not, so that a label does not change when another member is disabled.
 */
export function memberLabels(spec: LoadBalancerSpec): Map<string, string> {
  const members = spec.pools.flatMap((pool) => pool.members);
  const uses = new Map<string, number>();
  const count = (label: string) => uses.set(label, (uses.get(label) ?? 0) + 1);
  for (const member of members) {
    count(member.id.toLowerCase());
    if (isHostLabel(member.name)) count(member.name.toLowerCase());
  }
  const labelOf = (name: string) => (isHostLabel(name) && uses.get(name.toLowerCase()) === 1 ? name : undefined);
  return new Map(members.map((m) => [m.id, (labelOf(m.name) ?? m.id).toLowerCase()]));
}

/**
 * Member id -> canonical host name, for each member with an IP address that may be answered (it, its pool, a
 * listener of the pool and the load balancer admin up). A host name longer than a domain name may be is left out,
 * and so is its member from SRV and MX answers.
 */
export function memberHostNames(spec: LoadBalancerSpec): Map<string, string> {
  const labels = memberLabels(spec);
  const name = canonicalName(spec.name);
  const hostNames = new Map<string, string>();
  for (const member of servedListeners(spec).flatMap(({ pool }) => poolCandidates(pool))) {
    const hostName = `${labels.get(member.id)}.${name}`;
    if (isIP(member.address) !== 0 && domainNameProblem(hostName) === undefined) hostNames.set(member.id, hostName);
  }
  return hostNames;
}

/** Each host name of `memberHostNames` with its one record: its member's A or AAAA, at the longest TTL (it changes only with the member). */
export function hostNameRecords(
  spec: LoadBalancerSpec,
  hostNames: ReadonlyMap<string, string>,
  policy: AnswerPolicy,
): Map<string, NameRecords> {
  const records = new Map<string, NameRecords>();
  for (const member of spec.pools.flatMap((pool) => pool.members)) {
    const hostName = hostNames.get(member.id);
    if (hostName === undefined) continue;
    const type = isIP(member.address) === 4 ? 'A' : 'AAAA';
    records.set(hostName, { [type]: answerSet([addressRecord(type, member.address, policy.maxTtl)]) });
  }
  return records;
}
