import { isLive, type StoredTree, TREE_KINDS } from '../../../store/load-balancer-tree.ts';
import type { StoredObject } from '../../../store/state-store.ts';
import { hideForeignIds } from '../../../tenancy/foreign-ids.ts';
import type { RuntimeView } from '../deps.ts';

/** Epoch ms as an ISO 8601 UTC time with milliseconds, to read health checks a second apart. */
const isoTime = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

/**
 * `GET /loadbalancers/{id}/health` (weir's extension): each member with its operating status and what this node's
 * health checks know of it, and the recent health transitions of the load balancer's members, newest first.
 */
export function healthView(tree: StoredTree, runtime: RuntimeView) {
  const members = new Map(tree.members.filter(isLive).map((m) => [m.id, m]));
  return {
    members: [...members.values()].map((member) => {
      const health = runtime.memberHealth(member.id);
      return {
        id: member.id,
        name: member.name,
        pool_id: member.pool_id,
        address: member.address,
        protocol_port: member.protocol_port,
        operating_status: member.operating_status,
        monitored: health !== undefined,
        health: health?.status ?? null,
        status_since: isoTime(health?.since),
        last_check_at: isoTime(health?.lastCheckAt),
        last_check_ok: health?.lastOk ?? null,
        last_check_reason: health?.lastReason ?? null,
        last_check_latency_ms: health?.lastLatencyMs == null ? null : Math.round(health.lastLatencyMs * 10) / 10,
        consecutive_successes: health?.consecutiveSuccesses ?? null,
        consecutive_failures: health?.consecutiveFailures ?? null,
      };
    }),
    transitions: runtime
      .healthTransitions(tree.loadbalancer.id)
      .map((t) => {
        const member = members.get(t.memberId);
        return {
          at: isoTime(t.at),
          member_id: t.memberId,
          member_name: member?.name ?? null,
          address: member?.address ?? null,
          protocol_port: member?.protocol_port ?? null,
          from: t.from,
          to: t.to,
          reason: t.reason,
        };
      })
      .reverse(),
  };
}

/**
 * `GET /loadbalancers/{id}/reconcile` (weir's extension): how the last reconciliation on this node ended, and for
 * each object still there that a run left in ERROR, that run's reason. Ids of objects outside the load balancer are
 * left out of the reasons.
 */
export function reconcileView(tree: StoredTree, runtime: RuntimeView) {
  const report = runtime.lastReconcile(tree.loadbalancer.id);
  const objects = new Map<string, StoredObject>([[tree.loadbalancer.id, tree.loadbalancer]]);
  for (const [, field] of TREE_KINDS) for (const object of tree[field]) objects.set(object.id, object);
  const own = new Set(objects.keys());
  const shown = (reason: string | null) => (reason === null ? null : hideForeignIds(reason, own));
  return {
    last_run_at: isoTime(report?.at),
    result: report?.result ?? null,
    reason: shown(report?.reason ?? null),
    errors: (report?.errors ?? [])
      .filter((error) => objects.has(error.id))
      .map((error) => ({
        kind: error.kind,
        id: error.id,
        name: objects.get(error.id)?.name ?? null,
        provisioning_status: objects.get(error.id)?.provisioning_status ?? null,
        at: isoTime(error.at),
        reason: shown(error.reason),
      })),
  };
}
