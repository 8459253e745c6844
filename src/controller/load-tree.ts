import type { StoreReader } from '../store/state-store.ts';
import type { StoredTree } from './build-spec.ts';

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

export const TREE_KINDS = [
  ['l7rule', 'l7rules'],
  ['l7policy', 'l7policies'],
  ['member', 'members'],
  ['healthmonitor', 'healthmonitors'],
  ['pool', 'pools'],
  ['listener', 'listeners'],
] as const;
