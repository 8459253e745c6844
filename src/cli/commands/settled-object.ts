import type { Command } from 'commander';
import type { Json } from '../../client/octavia-client.ts';
import { owningLoadBalancer } from '../../client/owning-load-balancer.ts';
import type { ClientSession } from './client-session.ts';
import type { ResourceSpec } from './resource-spec.ts';
import type { ParentRef } from './resource-target.ts';
import { waitFor, wantsWait } from './wait-options.ts';

/**
 * The object to show after a create or an update: as the API answered (PENDING_*), or with `--wait`, read again
 * once its load balancer is ACTIVE.
 */
export async function settledObject(
  session: ClientSession,
  command: Command,
  spec: ResourceSpec,
  object: Json,
  parent: ParentRef | undefined,
): Promise<Json> {
  if (!wantsWait(command)) return object;
  const loadbalancerId = await owningLoadBalancer(session.client, spec.kind, object, parent?.id);
  await waitFor(session, command, loadbalancerId, 'active');
  return session.client.show(spec.collection, String(object.id), parent?.id);
}
