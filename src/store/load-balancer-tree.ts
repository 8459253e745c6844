import type { StoredObject, StoreReader } from './state-store.ts';

/** A load balancer's tree as stored, one list per kind. */
export interface StoredTree {
  loadbalancer: StoredObject;
  listeners: StoredObject[];
  pools: StoredObject[];
  members: StoredObject[];
  healthmonitors: StoredObject[];
  l7policies: StoredObject[];
  l7rules: StoredObject[];
}

/** The kinds under a load balancer, leaves first (the order a delete must take), with their field in StoredTree. */
export const TREE_KINDS = [
  ['l7rule', 'l7rules'],
  ['l7policy', 'l7policies'],
  ['member', 'members'],
  ['healthmonitor', 'healthmonitors'],
  ['pool', 'pools'],
  ['listener', 'listeners'],
] as const;

/** Not on its way out: objects pending deletion no longer count for the data plane or for statuses. */
export const isLive = (object: StoredObject): boolean =>
  object.provisioning_status !== 'PENDING_DELETE' && object.provisioning_status !== 'DELETED';

/** One load balancer and every object under it, or undefined once it is gone. */
export async function loadTree(reader: StoreReader, loadbalancerId: string): Promise<StoredTree | undefined> {
  const loadbalancer = await reader.get('loadbalancer', loadbalancerId);
  if (!loadbalancer) return undefined;
  const scope = { loadbalancer_id: loadbalancerId };
  const [listeners, pools, members, healthmonitors, l7policies, l7rules] = await Promise.all([
    reader.list('listener', scope),
    reader.list('pool', scope),
    reader.list('member', scope),
    reader.list('healthmonitor', scope),
    reader.list('l7policy', scope),
    reader.list('l7rule', scope),
  ]);
  return { loadbalancer, listeners, pools, members, healthmonitors, l7policies, l7rules };
}
