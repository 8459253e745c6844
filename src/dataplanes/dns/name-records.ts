/** The address records a `dns` load balancer's name answers with. */
import { isIPv4, isIPv6 } from 'node:net';
import type { Answer } from 'dns-packet';
import type { NameRecords } from '../../dns/published-records.ts';
import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';

/**
 * A and AAAA for each address of a member of a listener's default pool, where load balancer, listener, pool and
 * member are admin up and health checks have not found the member down; each address once. Member weight is not
 * used yet: every such address is answered.
 */
export function nameRecords(spec: LoadBalancerSpec, down: ReadonlySet<string>, ttl: number): NameRecords {
  const addresses = new Set<string>();
  if (spec.adminStateUp) {
    for (const listener of spec.listeners) {
      const pool = spec.pools.find((p) => p.id === listener.defaultPoolId);
      if (!listener.adminStateUp || !pool?.adminStateUp) continue;
      for (const member of pool.members) {
        if (member.adminStateUp && !down.has(member.id)) addresses.add(member.address);
      }
    }
  }
  const records = (type: 'A' | 'AAAA', family: (address: string) => boolean): Answer[] =>
    [...addresses].filter(family).map((data) => ({ type, name: '', ttl, class: 'IN', data }) as Answer);
  return { A: records('A', isIPv4), AAAA: records('AAAA', isIPv6) };
}
