import type { ObjectKind, StoreReader } from '../../store/state-store.ts';
import { Fault } from '../faults.ts';
import type { QuotaLimits } from './deps.ts';

export const QUOTA_RESOURCES = {
  loadbalancer: ['load_balancer', 'Load Balancer'],
  listener: ['listener', 'Listener'],
  pool: ['pool', 'Pool'],
  healthmonitor: ['health_monitor', 'Health Monitor'],
  member: ['member', 'Member'],
  l7policy: ['l7policy', 'L7 Policy'],
  l7rule: ['l7rule', 'L7 Rule'],
} as const satisfies Partial<Record<ObjectKind, readonly [keyof QuotaLimits, string]>>;

export type QuotaKind = keyof typeof QUOTA_RESOURCES;

/** A project's effective limits: its own quota where set, the defaults elsewhere. -1 means unlimited. */
export async function effectiveQuota(
  reader: StoreReader,
  projectId: string,
  defaults: QuotaLimits,
): Promise<QuotaLimits> {
  const own = await reader.get('quota', projectId);
  const limits = { ...defaults };
  for (const key of Object.keys(limits) as (keyof QuotaLimits)[]) {
    const value = own?.[key];
    if (typeof value === 'number') limits[key] = value;
  }
  return limits;
}

/** Refuses a create that would take a project past its quota for that kind of object. */
export async function enforceQuota(
  reader: StoreReader,
  projectId: string,
  kind: QuotaKind,
  defaults: QuotaLimits,
  adding = 1,
): Promise<void> {
  const [key, label] = QUOTA_RESOURCES[kind];
  const limit = (await effectiveQuota(reader, projectId, defaults))[key];
  if (limit < 0) return;
  const used = await reader.count(kind, { project_id: projectId });
  if (used + adding > limit) throw new Fault(403, `Quota has been met for resources: ${label}`);
}
