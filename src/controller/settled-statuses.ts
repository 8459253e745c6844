import { now } from '../api/octavia/timestamps.ts';
import type { ObjectKind, StoredObject } from '../store/state-store.ts';

/** Objects whose operating status Octavia reports ONLINE as soon as they are provisioned and enabled. */
const ONLINE_WHEN_PROVISIONED = new Set<ObjectKind>(['healthmonitor', 'l7policy', 'l7rule']);

/**
 * Where a pending object lands after an apply: ACTIVE or ERROR, with a fresh updated_at. Settled objects keep
 * their status. Operating status of traffic-carrying objects stays with health reports.
 */
export function settledStatuses(kind: ObjectKind, object: StoredObject, ok: boolean): Partial<StoredObject> {
  const status = String(object.provisioning_status);
  if (!status.startsWith('PENDING_')) return {};
  const changes: Partial<StoredObject> = { provisioning_status: ok ? 'ACTIVE' : 'ERROR', updated_at: now() };
  if (ok && ONLINE_WHEN_PROVISIONED.has(kind)) {
    changes.operating_status = object.admin_state_up === false ? 'OFFLINE' : 'ONLINE';
  }
  return changes;
}
