import type { StoredObject, StoreReader } from '../../store/state-store.ts';
import type { OctaviaApiDeps, ProviderInfo } from './deps.ts';
import { forLoadBalancer, requireSupport, resolveProvider } from './providers.ts';

/**
 * What a provider that forwards packets unchanged and keeps no per-connection state cannot honour, refused at
 * once with the reason: a member on another port than its listener's (no port translation), and weight 0 (a
 * drained member's open connections cannot be told from new ones).
 */

/** A member (new or changed) of `pool`: its weight and port against the provider and the pool's listeners. */
export async function requireMemberSupport(
  reader: StoreReader,
  deps: OctaviaApiDeps,
  pool: StoredObject,
  member: StoredObject,
): Promise<void> {
  const provider = await providerOf(reader, deps, pool);
  requireSupport(
    provider,
    member.weight !== 0 || provider.capabilities.memberDrain,
    'weight 0 (draining keeps a member for its open connections, and this load balancer keeps no connection state)',
  );
  if (provider.capabilities.portTranslation) return;
  const listeners = await reader.list('listener', { loadbalancer_id: pool.loadbalancer_id as string });
  for (const listener of listeners.filter((l) => l.default_pool_id === pool.id)) {
    requireSamePort(provider, listener, member);
  }
}

/** A listener (new or changed) whose default pool's members must listen on its port when ports cannot change. */
export async function requireListenerPorts(
  reader: StoreReader,
  provider: ProviderInfo,
  listener: StoredObject,
): Promise<void> {
  if (provider.capabilities.portTranslation || typeof listener.default_pool_id !== 'string') return;
  for (const member of await reader.list('member', { parent_id: listener.default_pool_id })) {
    if (member.provisioning_status !== 'PENDING_DELETE') requireSamePort(provider, listener, member);
  }
}

function requireSamePort(provider: ProviderInfo, listener: StoredObject, member: StoredObject): void {
  requireSupport(
    provider,
    member.protocol_port === listener.protocol_port,
    `port translation (member ${member.address} protocol_port ${member.protocol_port} differs from listener ` +
      `protocol_port ${listener.protocol_port}; this provider forwards packets unchanged and cannot rewrite ports)`,
  );
}

async function providerOf(reader: StoreReader, deps: OctaviaApiDeps, pool: StoredObject): Promise<ProviderInfo> {
  const lb = (await reader.get('loadbalancer', pool.loadbalancer_id as string))!;
  return forLoadBalancer(resolveProvider(deps, lb.provider), lb);
}
