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
  secret: 'Secret',
  secret_container: 'Container',
};

/**
 * An object, or Octavia's 404; then the policy decides on the route's action for the object's project, refusing
 * with 403 as Octavia does (a foreign id is refused, never shown). Catalogue entries belong to no project: the
 * caller's own project is the target, as in Octavia.
 */
export async function findVisible<T extends StoredObject>(
  reader: StoreReader,
  kind: ObjectKind,
  id: string,
  context: RequestContext,
): Promise<T> {
  const object = await reader.get<T>(kind, id);
  if (!object || object.provisioning_status === 'DELETED') throw notFound(`${KIND_LABEL[kind]} ${id} not found.`);
  context.authorize(object.project_id === undefined ? context.projectId : (object.project_id as string));
  return object;
}

/**
 * The project a new load balancer belongs to: the one named in the body, else the caller's. Everything below a
 * load balancer belongs to the load balancer's project, whatever a body says, as in Octavia.
 */
export function owningProject(context: RequestContext, body: Record<string, unknown>): string {
  const named = (body.project_id ?? body.tenant_id) as string | undefined;
  const projectId = named ?? context.projectId;
  if (!projectId) throw badRequest('Validation failure: Missing project ID');
  return projectId;
}
