/**
 * Carries a plan out through the API, one load balancer at a time: load balancers the file no longer names first
 * (when pruning; one cascading delete each), then each of the file's in its order. Within one, the changes go in
 * dependency order (STEP_ORDER) and every write waits for the load balancer to be ACTIVE again, as the API answers
 * 409 while it is PENDING; ERROR stops the apply with the objects in ERROR.
 */
import { ApiError, ClientError } from '../client/client-errors.ts';
import type { Json, OctaviaClient } from '../client/octavia-client.ts';
import { waitForLoadBalancer } from '../client/wait-for-load-balancer.ts';
import type { KeyPath } from '../config/problem.ts';
import { KIND_RULES } from './kind-rules.ts';
import type { Change, Plan } from './plan.ts';
import { title } from './plan-text.ts';
import type { TreeNode } from './tree-node.ts';

/**
 * Within a load balancer, make before break: first what must go for what comes (L7 rules and policies, which match
 * requests together, and objects in the way of their replacements: a listener on the port, a member at the address,
 * the pool's one monitor; children first); then parents are created before their children and pools before the
 * listeners and policies that name them; then what only goes (members after their successors are in); pools last,
 * once nothing names them, their monitor and members before them.
 */
const STEP_ORDER = [
  'delete l7rule',
  'delete l7policy',
  'delete l7rule to make room',
  'delete l7policy to make room',
  'delete listener to make room',
  'delete healthmonitor to make room',
  'delete member to make room',
  'create loadbalancer',
  'update loadbalancer',
  'create pool',
  'update pool',
  'create member',
  'update member',
  'create healthmonitor',
  'update healthmonitor',
  'create listener',
  'update listener',
  'create l7policy',
  'update l7policy',
  'create l7rule',
  'update l7rule',
  'delete listener',
  'delete healthmonitor',
  'delete member',
  'delete healthmonitor with its pool',
  'delete member with its pool',
  'delete pool with its pool',
  'delete loadbalancer',
];

export interface ApplyOptions {
  /** How long to wait for a load balancer to be ACTIVE after each change. */
  readonly timeoutMs: number;
  /** The project new load balancers are created in; the caller's own when undefined. */
  readonly project?: string;
  /** Told of each change once it is made (and its load balancer ACTIVE again). */
  readonly onChange?: (change: Change) => void;
}

/** A change the API refused or a load balancer that went to ERROR: `path` is the file's object when there is one. */
export class ApplyFailed extends ClientError {
  constructor(
    message: string,
    readonly path: KeyPath | undefined,
  ) {
    super(message);
  }
}

export async function applyPlan(client: OctaviaClient, plan: Plan, options: ApplyOptions): Promise<void> {
  const groups = new Map<TreeNode, Change[]>();
  for (const change of plan.changes)
    groups.set(change.loadbalancer, [...(groups.get(change.loadbalancer) ?? []), change]);
  const pruned = (changes: Change[]) => changes.some((c) => c.kind === 'loadbalancer' && c.action === 'delete');
  const ordered = [...groups.values()].sort((a, b) => Number(pruned(b)) - Number(pruned(a)));
  const ids = plan.bindings;
  for (const changes of ordered) {
    const steps = [...changes].sort((a, b) => rank(a) - rank(b));
    const lbId = ids.get(steps[0]!.loadbalancer);
    // A load balancer still settling from an earlier write would refuse the first change with 409; one in ERROR
    // takes no change but its deletion.
    if (lbId !== undefined && !pruned(changes)) await settle(client, lbId, 'active', options, steps[0]!.loadbalancer);
    for (const change of steps) {
      await applyChange(client, change, ids, options);
      const goal = change.kind === 'loadbalancer' && change.action === 'delete' ? 'deleted' : 'active';
      await settle(client, ids.get(change.loadbalancer)!, goal, options, change.loadbalancer, change);
      options.onChange?.(change);
    }
  }
}

function rank(change: Change): number {
  const rankOf = (step: string) => {
    const index = STEP_ORDER.indexOf(step);
    if (index < 0) throw new Error(`no place in STEP_ORDER for "${step}"`);
    return index;
  };
  const step = `${change.action} ${change.kind}`;
  if (change.action !== 'delete' || change.kind === 'loadbalancer') return rankOf(step);
  if (change.deletedWith === 'pool') return rankOf(`${step} with its pool`);
  const roomFor = change.makesRoom && change.kind !== 'pool' ? ' to make room' : '';
  return rankOf(`${step}${roomFor}`);
}

async function applyChange(client: OctaviaClient, change: Change, ids: Map<TreeNode, string>, options: ApplyOptions) {
  const { collection, parentField } = KIND_RULES[change.kind];
  const idOf = (node: TreeNode) => {
    const id = ids.get(node);
    if (id === undefined) throw new Error(`no id for ${node.kind} ${node.label}: the plan's order is broken`);
    return id;
  };
  // Members and rules live under their pool and policy in the URL.
  const urlParent = change.parent && collection.path.includes('{parent}') ? idOf(change.parent) : undefined;
  const body = (): Json => {
    const fields: Json = {};
    for (const field of change.fields)
      fields[field.field] = field.pool === undefined ? field.to : field.pool && idOf(field.pool);
    return fields;
  };
  try {
    switch (change.action) {
      case 'create': {
        const fields = body();
        if (parentField && change.parent) fields[parentField] = idOf(change.parent);
        if (change.kind === 'loadbalancer' && options.project !== undefined) fields.project_id = options.project;
        const created = await client.create(collection, fields, urlParent);
        ids.set(change.node, String(created.id));
        return;
      }
      case 'update':
        await client.update(collection, idOf(change.node), body(), urlParent);
        return;
      case 'delete': {
        const query = change.kind === 'loadbalancer' ? ([['cascade', 'true']] as const) : [];
        await client.remove(collection, idOf(change.node), { parent: urlParent, query });
        return;
      }
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new ApplyFailed(`the API refused to ${change.action} ${title(change)}: ${error.message}`, change.node.path);
  }
}

/**
 * Waits for the load balancer; an ERROR or a timeout fails the apply, naming the change that led there (or the load
 * balancer, when it was not ACTIVE to begin with).
 */
async function settle(
  client: OctaviaClient,
  lbId: string,
  goal: 'active' | 'deleted',
  options: ApplyOptions,
  lb: TreeNode,
  after?: Change,
) {
  try {
    await waitForLoadBalancer(client, lbId, goal, { timeoutMs: options.timeoutMs });
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const when = after ? `after ${after.action.slice(0, -1)}ing ${title(after)}` : 'before applying';
    throw new ApplyFailed(`${when}: ${error.message}`, (after?.node ?? lb).path);
  }
}
