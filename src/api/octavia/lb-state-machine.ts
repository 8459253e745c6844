import type { ProvisioningStatus } from '../../model/constants.ts';
import type { StoredObject, StoreWriter } from '../../store/state-store.ts';
import { conflict } from '../faults.ts';
import { now } from './timestamps.ts';

/**
 * Octavia's locking by status: a change to any child moves its load balancer (and the listeners involved) to
 * PENDING_UPDATE in the same transaction; while a load balancer is PENDING_* every other write gets 409. The
 * reconciler releases the lock by moving everything back to ACTIVE (or ERROR).
 */
export async function lockLoadBalancer(
  tx: StoreWriter,
  loadbalancerId: string,
  listenerIds: readonly string[] = [],
): Promise<void> {
  const lb = await tx.get('loadbalancer', loadbalancerId);
  if (lb?.provisioning_status !== 'ACTIVE') {
    throw conflict(`Load Balancer ${loadbalancerId} is immutable and cannot be updated.`);
  }
  await setStatus(tx, 'loadbalancer', lb, 'PENDING_UPDATE');
  for (const id of new Set(listenerIds)) {
    const listener = await tx.get('listener', id);
    if (!listener) continue;
    if (listener.provisioning_status !== 'ACTIVE') {
      throw conflict(`Listener ${id} is immutable and cannot be updated.`);
    }
    await setStatus(tx, 'listener', listener, 'PENDING_UPDATE');
  }
}

/** A load balancer's own PUT, DELETE and failover need it settled: ACTIVE, or ERROR for delete and failover. */
export function requireLoadBalancerState(lb: StoredObject, allowed: readonly ProvisioningStatus[]): void {
  const status = lb.provisioning_status as ProvisioningStatus;
  if (!allowed.includes(status)) throw conflict(`Invalid state ${status} of loadbalancer resource ${lb.id}`);
}

export async function setStatus(
  tx: StoreWriter,
  kind: Parameters<StoreWriter['update']>[0],
  object: StoredObject,
  status: ProvisioningStatus,
): Promise<void> {
  await tx.update(kind, { ...object, provisioning_status: status, updated_at: now() });
}
