import type { StoredObject, StoreReader } from '../../../store/state-store.ts';

const statuses = (o: StoredObject) => ({
  id: o.id,
  name: o.name,
  provisioning_status: o.provisioning_status,
  operating_status: o.operating_status,
});

/** `GET /loadbalancers/{id}/status`: listeners, the pools they reach, their monitor and members. */
export async function buildStatusTree(reader: StoreReader, lb: StoredObject) {
  const scope = { loadbalancer_id: lb.id };
  const [listeners, pools, members, monitors, policies] = await Promise.all([
    reader.list('listener', scope),
    reader.list('pool', scope),
    reader.list('member', scope),
    reader.list('healthmonitor', scope),
    reader.list('l7policy', scope),
  ]);
  const poolTree = (pool: StoredObject) => {
    const monitor = monitors.find((m) => m.pool_id === pool.id);
    return {
      ...statuses(pool),
      ...(monitor ? { health_monitor: { ...statuses(monitor), type: monitor.type } } : {}),
      members: members
        .filter((m) => m.pool_id === pool.id)
        .map((m) => ({ ...statuses(m), address: m.address, protocol_port: m.protocol_port })),
    };
  };
  return {
    ...statuses(lb),
    listeners: listeners.map((listener) => {
      const reached = new Set<unknown>([listener.default_pool_id]);
      for (const p of policies) if (p.listener_id === listener.id) reached.add(p.redirect_pool_id);
      return { ...statuses(listener), pools: pools.filter((p) => reached.has(p.id)).map(poolTree) };
    }),
  };
}
