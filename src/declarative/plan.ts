/**
 * The diff engine: what must change on the service for it to match a file. Objects are paired by identity
 * (identity.ts); a pair whose fields differ is updated with only those fields, an object of the file without a pair
 * is created with everything below it, one of the service without a pair is deleted with everything below it (its
 * children first). A field the file leaves out asks for its default (src/model/field-defaults.ts), except fields with
 * none (a VIP address, a provider), which are then left as they are. A field set only at creation that differs
 * replaces the object; a load balancer is never replaced (its VIP and everything in it would go): that is refused.
 * Load balancers the file does not name are deleted only when pruning. Pure: apply-plan.ts carries the plan out.
 */
import type { ObjectKind } from '../client/owning-load-balancer.ts';
import type { Problem } from '../config/problem.ts';
import { KIND_RULES } from './kind-rules.ts';
import { hasGivenValue, sameValue } from './same-value.ts';
import type { TreeNode } from './tree-node.ts';

export type Action = 'create' | 'update' | 'delete';

export interface FieldChange {
  readonly field: string;
  /** The value on the service (updates and replacements). */
  readonly from?: unknown;
  /** The value asked for: for a pool reference, the pool's name. */
  readonly to: unknown;
  /** For a pool reference: the pool it must name, or null for none (its id is known once it exists). */
  readonly pool?: TreeNode | null;
}

export interface Change {
  readonly action: Action;
  readonly kind: ObjectKind;
  readonly label: string;
  /** The file's object for create and update; the service's for delete. */
  readonly node: TreeNode;
  /** The object it is in (undefined for a load balancer): the file's, or the service's for a delete. */
  readonly parent?: TreeNode;
  /** The load balancer the change is made in: every change waits for it to be ACTIVE again. */
  readonly loadbalancer: TreeNode;
  /** Create: every field the file sets; update: only those that differ. */
  readonly fields: readonly FieldChange[];
  /** A delete and a create that replace an object: the fields set at creation that differ. */
  readonly replacing?: readonly FieldChange[];
  /** Delete: the kind of the topmost object deleted with it (itself, or the pool a member goes with). */
  readonly deletedWith?: ObjectKind;
  /** Delete: it goes to make room for the object that replaces it or an object above it. */
  readonly makesRoom?: boolean;
}

export interface Plan {
  /** In the file's order, parents before children. */
  readonly changes: Change[];
  /** The id of every object on the service, and of every object of the file that is paired with one. */
  readonly bindings: Map<TreeNode, string>;
}

/** The file asks for something no change can bring about; each problem names the file's object. */
export class PlanRefused extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((problem) => problem.reason).join('\n'));
  }
}

export function planChanges(
  desired: readonly TreeNode[],
  live: readonly TreeNode[],
  options: { prune: boolean },
): Plan {
  const planner = new Planner();
  planner.pair(desired, live, undefined, undefined, undefined);
  if (planner.problems.length > 0) throw new PlanRefused(planner.problems);
  const pruned = (change: Change) => change.kind === 'loadbalancer' && change.action === 'delete';
  const changes = options.prune ? planner.changes : planner.changes.filter((change) => !pruned(change));
  return { changes, bindings: planner.bindings };
}

class Planner {
  readonly changes: Change[] = [];
  readonly bindings = new Map<TreeNode, string>();
  readonly problems: Problem[] = [];

  /**
   * Pairs siblings of one kind: `parent` and `liveParent` are the object they are in, in the file and on the
   * service; `lb` their load balancer.
   */
  pair(
    desired: readonly TreeNode[],
    live: readonly TreeNode[],
    parent: TreeNode | undefined,
    liveParent: TreeNode | undefined,
    lb: TreeNode | undefined,
  ) {
    const unpaired = new Set(live);
    for (const node of desired) {
      const candidates = live.filter((other) => other.key === node.key && unpaired.has(other));
      if (candidates.length > 1 && (node.kind === 'loadbalancer' || node.kind === 'pool')) {
        const ids = candidates.map((other) => other.id).join(', ');
        this.problems.push({
          path: node.path!,
          reason: `${candidates.length} ${KIND_RULES[node.kind].collection.title}s are named "${node.key}" on the service (${ids}): rename or delete all but one`,
        });
        continue;
      }
      const match = candidates[0];
      if (match) unpaired.delete(match);
      const loadbalancer = lb ?? node;
      if (!match) {
        this.create(node, parent, loadbalancer);
        continue;
      }
      const replacing = createOnlyChanges(node, match);
      if (replacing.length === 0) {
        this.update(node, match, parent, loadbalancer);
      } else if (node.kind === 'loadbalancer') {
        const what = replacing.map((change) => `${change.field} ${show(change.from)} -> ${show(change.to)}`).join(', ');
        this.problems.push({
          path: node.path!,
          reason: `load balancer ${node.label} cannot change ${what}: that is set when it is created; delete it first (weir loadbalancer delete --cascade ${node.label}) or give it another name`,
        });
      } else {
        this.delete(match, liveParent, lb ?? match, match.kind, replacing);
        this.create(node, parent, loadbalancer, replacing);
      }
    }
    for (const node of unpaired) this.delete(node, liveParent, lb ?? node, node.kind);
  }

  private update(node: TreeNode, live: TreeNode, parent: TreeNode | undefined, lb: TreeNode) {
    this.bindings.set(node, live.id!);
    this.bindings.set(live, live.id!);
    const fields = [...updatableChanges(node, live), ...this.referenceChanges(node, live)];
    if (fields.length > 0) this.record('update', node, lb, { parent, fields });
    this.pairChildren(node, live, lb);
  }

  private pairChildren(node: TreeNode, live: TreeNode, lb: TreeNode) {
    for (const { kind } of KIND_RULES[node.kind].children) {
      const ofKind = (children: readonly TreeNode[]) => children.filter((child) => child.kind === kind);
      this.pair(ofKind(node.children), ofKind(live.children), node, live, lb);
    }
  }

  private create(node: TreeNode, parent: TreeNode | undefined, lb: TreeNode, replacing?: FieldChange[]) {
    const fields: FieldChange[] = Object.entries(node.fields).map(([field, to]) => ({ field, to }));
    for (const [field, pool] of node.refs) if (pool) fields.push({ field, to: pool.segment, pool });
    this.record('create', node, lb, { parent, fields, replacing });
    for (const child of node.children) this.create(child, node, lb);
  }

  /** A whole load balancer goes in one cascading delete; anything else children first. */
  private delete(
    node: TreeNode,
    parent: TreeNode | undefined,
    lb: TreeNode,
    deletedWith: ObjectKind,
    replacing?: FieldChange[],
    makesRoom = replacing !== undefined,
  ) {
    this.bindings.set(node, node.id!);
    if (node.kind !== 'loadbalancer') {
      for (const child of node.children) this.delete(child, node, lb, deletedWith, undefined, makesRoom);
    }
    this.record('delete', node, lb, { parent, replacing, deletedWith, makesRoom });
  }

  private record(action: Action, node: TreeNode, lb: TreeNode, details: Partial<Change>) {
    this.changes.push({ action, kind: node.kind, label: node.label, node, loadbalancer: lb, fields: [], ...details });
  }

  /** A reference is unchanged when the file's pool is paired with the very pool the service's object names. */
  private referenceChanges(node: TreeNode, live: TreeNode): FieldChange[] {
    const changes: FieldChange[] = [];
    for (const [field, pool] of node.refs) {
      const current = live.refs.get(field) ?? null;
      const same = pool === null ? current === null : current !== null && this.bindings.get(pool) === current.id;
      if (!same) changes.push({ field, from: current?.segment ?? null, to: pool?.segment ?? null, pool });
    }
    return changes;
  }
}

/** Updatable fields whose value on the service differs from the file's, or from their default when left out. */
function updatableChanges(node: TreeNode, live: TreeNode): FieldChange[] {
  const rules = KIND_RULES[node.kind];
  const defaults = rules.defaults(node.fields);
  const changes: FieldChange[] = [];
  for (const field of rules.updatable) {
    const wanted = field in node.fields ? node.fields[field] : defaults[field];
    if (!(field in node.fields) && !(field in defaults)) continue;
    if (!sameValue(field, wanted, live.fields[field])) changes.push({ field, from: live.fields[field], to: wanted });
  }
  return changes;
}

/** Fields set at creation that the file gives and the service has otherwise. */
function createOnlyChanges(node: TreeNode, live: TreeNode): FieldChange[] {
  return KIND_RULES[node.kind].createOnly
    .filter((field) => field in node.fields && !hasGivenValue(field, node.fields[field], live.fields[field]))
    .map((field) => ({ field, from: live.fields[field], to: node.fields[field] }));
}

/** A value for messages: plain words bare, anything else as JSON. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string' && /^[\w./@-]+$/.test(value)) return value;
  return JSON.stringify(value);
}
