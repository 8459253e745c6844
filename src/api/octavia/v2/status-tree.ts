import type { DriverCapabilities } from '../../../dataplanes/driver.ts';
import type { ListenerProtocol, PoolProtocol } from '../../../model/constants.ts';
import { loadTree } from '../../../store/load-balancer-tree.ts';
import type { StoredObject, StoreReader } from '../../../store/state-store.ts';

const statuses = (o: StoredObject) => ({
  id: o.id,
  name: o.name,
  provisioning_status: o.provisioning_status,
  operating_status: o.operating_status,
});

/**
 * `GET /loadbalancers/{id}/status`: listeners, the pools they reach, their monitor and members. Listeners also say
 * how their members learn each client's address (`client_address`, weir's addition), when the provider tells.
 */
export async function buildStatusTree(
  reader: StoreReader,
  lb: StoredObject,
  clientAddress: DriverCapabilities['clientAddress'],
) {
  const {
    listeners,
    pools,
    members,
    healthmonitors: monitors,
    l7policies: policies,
  } = (await loadTree(reader, lb.id))!;
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
      const defaultPool = pools.find((p) => p.id === listener.default_pool_id);
      const delivery = clientAddress?.({
        protocol: listener.protocol as ListenerProtocol,
        insertHeaders: (listener.insert_headers ?? {}) as Record<string, string>,
        poolProtocol: (defaultPool?.protocol ?? null) as PoolProtocol | null,
        connectionLimit: listener.connection_limit === -1 ? null : (listener.connection_limit as number),
        poolPersistence: Boolean(defaultPool?.session_persistence),
      });
      return {
        ...statuses(listener),
        ...(delivery ? { client_address: delivery } : {}),
        pools: pools.filter((p) => reached.has(p.id)).map(poolTree),
      };
    }),
  };
}
