import type { OperatingStatus } from '../model/constants.ts';
import { isLive as live, type StoredTree } from '../store/load-balancer-tree.ts';
import type { StoredObject } from '../store/state-store.ts';

export type MemberHealth = 'UP' | 'DOWN' | 'UNKNOWN';

const enabled = (o: StoredObject) => o.admin_state_up !== false;

/**
 * Octavia's operating statuses from health results, bottom up: member UP -> ONLINE (DRAINING at weight 0), DOWN ->
 * ERROR, not yet checked -> OFFLINE (or the verdict stored before a restart), no monitor -> NO_MONITOR; a pool is ERROR when all its checked members are,
 * DEGRADED when some are; a listener follows its default pool; the load balancer is DEGRADED when anything under
 * it is. Disabled objects are OFFLINE.
 */
export function operatingStatuses(
  tree: StoredTree,
  health: (memberId: string) => MemberHealth | undefined,
): Map<string, OperatingStatus> {
  const result = new Map<string, OperatingStatus>();
  const poolStatus = new Map<string, OperatingStatus>();
  for (const pool of tree.pools.filter(live)) {
    const monitored = tree.healthmonitors.some((m) => live(m) && enabled(m) && m.pool_id === pool.id);
    const members = tree.members.filter((m) => live(m) && m.pool_id === pool.id);
    const statuses = members.map((member): OperatingStatus => {
      if (!enabled(member) || !enabled(pool)) return 'OFFLINE';
      if (!monitored) return 'NO_MONITOR';
      const checked = health(member.id);
      const state = checked === 'UP' || checked === 'DOWN' ? checked : carriedVerdict(member);
      if (state === 'DOWN') return 'ERROR';
      if (state === 'UP') return Number(member.weight) === 0 ? 'DRAINING' : 'ONLINE';
      return 'OFFLINE';
    });
    for (const [i, member] of members.entries()) result.set(member.id, statuses[i]!);
    const errors = statuses.filter((s) => s === 'ERROR').length;
    let status: OperatingStatus = 'ONLINE';
    if (!enabled(pool)) status = 'OFFLINE';
    else if (errors > 0 && errors === statuses.length) status = 'ERROR';
    else if (errors > 0) status = 'DEGRADED';
    poolStatus.set(pool.id, status);
    result.set(pool.id, status);
  }
  let worst: OperatingStatus = 'ONLINE';
  for (const listener of tree.listeners.filter(live)) {
    const pool = poolStatus.get(String(listener.default_pool_id));
    let status: OperatingStatus = 'ONLINE';
    if (!enabled(listener)) status = 'OFFLINE';
    else if (pool === 'ERROR' || pool === 'DEGRADED') status = 'DEGRADED';
    result.set(listener.id, status);
    if (status === 'DEGRADED') worst = 'DEGRADED';
  }
  for (const status of poolStatus.values()) if (status === 'ERROR' || status === 'DEGRADED') worst = 'DEGRADED';
  result.set(tree.loadbalancer.id, enabled(tree.loadbalancer) ? worst : 'OFFLINE');
  return result;
}

/**
 * The verdict a member's stored status holds, for a member this process has not checked yet: after a restart, a
 * member found down stays down (and one found up stays up) until its checks say otherwise, rather than every member
 * looking unchecked at once; stateless tables, built from stored verdicts, keep a dead member out meanwhile.
 */
function carriedVerdict(member: StoredObject): MemberHealth | undefined {
  if (member.operating_status === 'ERROR') return 'DOWN';
  if (member.operating_status === 'ONLINE' || member.operating_status === 'DRAINING') return 'UP';
  return undefined;
}
