import { COLLECTIONS } from './collections.ts';
import type { Json, OctaviaClient } from './octavia-client.ts';

/** The kinds of object that make up a load balancer's tree. */
export type ObjectKind = 'loadbalancer' | 'listener' | 'pool' | 'member' | 'healthmonitor' | 'l7policy' | 'l7rule';

/**
 * The id of the load balancer an object belongs to, walking up its parents (a rule's policy's listener's load
 * balancer): every change to an object is applied, and waited for, through its load balancer. `parentId` is the pool
 * of a member and the policy of a rule, which their bodies do not name.
 */
export async function owningLoadBalancer(
  client: OctaviaClient,
  kind: ObjectKind,
  object: Json,
  parentId?: string,
): Promise<string> {
  const up = async (parentKind: 'pool' | 'listener' | 'l7policy', id: string) =>
    owningLoadBalancer(client, parentKind, await client.show(COLLECTIONS[parentKind], id));
  switch (kind) {
    case 'loadbalancer':
      return String(object.id);
    case 'listener':
    case 'pool':
      return firstId(object.loadbalancers);
    case 'healthmonitor':
      return up('pool', firstId(object.pools));
    case 'l7policy':
      return up('listener', String(object.listener_id));
    case 'member':
      return up('pool', parentId!);
    case 'l7rule':
      return up('l7policy', parentId!);
  }
}

function firstId(links: unknown): string {
  const [first] = Array.isArray(links) ? (links as Json[]) : [];
  if (typeof first?.id !== 'string') throw new Error(`no parent id in ${JSON.stringify(links)}`);
  return first.id;
}
