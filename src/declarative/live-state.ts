/**
 * What the service holds, read through the API into the same trees a file becomes: every load balancer of the project
 * (all the caller may list when no project is given) with its listeners, pools, members, monitors, policies and
 * rules. Objects being deleted are left out: they are on their way out already.
 */
import type { Json, OctaviaClient, Query } from '../client/octavia-client.ts';
import type { ObjectKind } from '../client/owning-load-balancer.ts';
import { KIND_RULES } from './kind-rules.ts';
import { type TreeNode, treeNode } from './tree-node.ts';

export async function readLiveState(client: OctaviaClient, project?: string): Promise<TreeNode[]> {
  const query: Query = project === undefined ? [] : [['project_id', project]];
  const list = async (kind: ObjectKind, parent?: string): Promise<Json[]> =>
    (await client.list(KIND_RULES[kind].collection, { parent, query: parent ? [] : query })).filter(
      (object) => object.provisioning_status !== 'PENDING_DELETE',
    );
  const [loadbalancers, listeners, pools, monitors, policies] = await Promise.all(
    (['loadbalancer', 'listener', 'pool', 'healthmonitor', 'l7policy'] as const).map((kind) => list(kind)),
  );
  const byParent = (objects: Json[], parentOf: (object: Json) => unknown) => {
    const index = new Map<string, Json[]>();
    for (const object of objects) {
      const parent = String(parentOf(object));
      index.set(parent, [...(index.get(parent) ?? []), object]);
    }
    return (id: string) => index.get(id) ?? [];
  };
  const firstId = (links: unknown) => (links as { id: string }[] | undefined)?.[0]?.id;
  const listenersOf = byParent(listeners!, (l) => firstId(l.loadbalancers));
  const poolsOf = byParent(pools!, (p) => firstId(p.loadbalancers));
  const monitorsOf = byParent(monitors!, (m) => firstId(m.pools));
  const byPosition = [...policies!].sort((a, b) => Number(a.position) - Number(b.position));
  const policiesOf = byParent(byPosition, (p) => p.listener_id);

  const trees: TreeNode[] = [];
  for (const lb of loadbalancers!) {
    const lbNode = liveNode('loadbalancer', lb, undefined, 1);
    const poolNodes: TreeNode[] = [];
    for (const pool of poolsOf(lb.id as string)) {
      const poolNode = liveNode('pool', pool, lbNode, poolNodes.length + 1);
      const members = await list('member', pool.id as string);
      members.forEach((member, i) => {
        poolNode.children.push(liveNode('member', member, poolNode, i + 1));
      });
      for (const monitor of monitorsOf(pool.id as string)) {
        poolNode.children.push(liveNode('healthmonitor', monitor, poolNode, 1));
      }
      poolNodes.push(poolNode);
    }
    lbNode.children.push(...poolNodes);
    const poolById = (id: unknown) => (id == null ? null : (poolNodes.find((pool) => pool.id === id) ?? null));
    for (const listener of listenersOf(lb.id as string)) {
      const listenerNode = liveNode('listener', listener, lbNode, 1);
      listenerNode.refs.set('default_pool_id', poolById(listener.default_pool_id));
      for (const policy of policiesOf(listener.id as string)) {
        const policyNode = liveNode('l7policy', policy, listenerNode, Number(policy.position));
        policyNode.refs.set('redirect_pool_id', poolById(policy.redirect_pool_id));
        const rules = await list('l7rule', policy.id as string);
        rules.forEach((rule, i) => {
          policyNode.children.push(liveNode('l7rule', rule, policyNode, i + 1));
        });
        listenerNode.children.push(policyNode);
      }
      lbNode.children.push(listenerNode);
    }
    trees.push(lbNode);
  }
  return trees;
}

/** The node of an object as the API shows it: its writable fields, with their names in the file. */
function liveNode(kind: ObjectKind, object: Json, parent: TreeNode | undefined, position: number): TreeNode {
  const { updatable, createOnly } = KIND_RULES[kind];
  const fields = Object.fromEntries(
    [...createOnly, ...updatable].filter((field) => field in object).map((field) => [field, object[field]]),
  );
  return treeNode(kind, parent, fields, position, { id: String(object.id) });
}
