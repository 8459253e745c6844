import type { ObjectKind, StoredObject, StoreReader } from '../../store/state-store.ts';
import { badRequest, notFound } from '../faults.ts';
import type { RequestContext } from '../request-context.ts';

/** How Octavia names each kind in its "not found" messages. */
export const KIND_LABEL: Record<ObjectKind, string> = {
  loadbalancer: 'Load Balancer',
  listener: 'Listener',
  pool: 'Pool',
  member: 'Member',
  healthmonitor: 'Health Monitor',
  l7policy: 'L7 Policy',
  l7rule: 'L7 Rule',
  quota: 'Quota',
  flavorprofile: 'Flavor profile',
  flavor: 'Flavor',
  availabilityzoneprofile: 'Availability Zone Profile',
  availabilityzone: 'Availability Zone',
};

/** An object the caller may see, or Octavia's 404. Objects of other projects are as good as absent. */
export async function findVisible<T extends StoredObject>(
  reader: StoreReader,
  kind: ObjectKind,
  id: string,
  context: RequestContext,
): Promise<T> {
  const object = await reader.get<T>(kind, id);
  if (!object || !canSee(context, object) || object.provisioning_status === 'DELETED') {
    throw notFound(`${KIND_LABEL[kind]} ${id} not found.`);
  }
  return object;
}

export function canSee(context: RequestContext, object: StoredObject): boolean {
  return context.isAdmin || object.project_id === undefined || object.project_id === context.projectId;
}

/** The project a new object belongs to: the one named in the body, else the caller's. */
export function owningProject(context: RequestContext, body: Record<string, unknown>): string {
  const named = (body.project_id ?? body.tenant_id) as string | undefined;
  const projectId = named ?? context.projectId;
  if (!projectId) throw badRequest('Validation failure: Missing project ID');
  return projectId;
}
