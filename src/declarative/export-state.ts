/**
 * `weir export`: the service's load balancers as a declarative file, which `weir apply` takes back without a change.
 * Only what a file writes: no ids, statuses or timestamps, no field at its default, pools named by name and subnets,
 * networks and flavors by name where that names one alone. Objects a file could not tell apart (a load balancer or
 * pool without a name, two with one name, two identical rules) are refused, each named with its id: pruning or
 * applying a file that left them out would delete them.
 */
import { stringify } from 'yaml';
import { ClientError } from '../client/client-errors.ts';
import type { Json } from '../client/octavia-client.ts';
import { KIND_SCHEMAS } from './file-schema.ts';
import { KIND_RULES } from './kind-rules.ts';
import type { NameLookups } from './name-lookups.ts';
import { sameValue } from './same-value.ts';
import type { TreeNode } from './tree-node.ts';

/** Fields the service derives from others the export writes: the VIP's network is its subnet's. */
const DERIVED: Readonly<Record<string, string>> = { vip_network_id: 'vip_subnet_id' };

export async function exportText(loadbalancers: readonly TreeNode[], lookups: NameLookups): Promise<string> {
  const unidentifiable = loadbalancers.flatMap((lb) => [
    ...ambiguous([lb], loadbalancers),
    ...lb.children.flatMap((child) => unidentifiableBelow(child, lb.children)),
  ]);
  if (unidentifiable.length > 0) {
    throw new ClientError(
      `a file cannot tell these apart; give them names of their own (weir loadbalancer set / weir pool set ... --name) or delete them:\n${[...new Set(unidentifiable)].join('\n')}`,
    );
  }
  const file = { loadbalancers: await Promise.all(loadbalancers.map((lb) => mapping(lb, lookups))) };
  return stringify(file, { lineWidth: 0 });
}

async function mapping(node: TreeNode, lookups: NameLookups): Promise<Json> {
  const rules = KIND_RULES[node.kind];
  const defaults = rules.defaults(node.fields);
  const out: Json = {};
  for (const key of fileKeyOrder(node)) {
    const value = node.fields[key];
    const reference = rules.references.find((r) => r.fileKey === key);
    const children = rules.children.find((c) => c.key === key);
    if (reference) {
      const pool = node.refs.get(reference.field);
      if (pool) out[key] = pool.segment;
    } else if (children) {
      const nodes = node.children.filter((child) => child.kind === children.kind);
      if (nodes.length === 0) continue;
      const mapped = await Promise.all(nodes.map((child) => mapping(child, lookups)));
      out[key] = children.single ? mapped[0] : mapped;
    } else if (rules.updatable.includes(key)) {
      if (!(key in defaults) || !sameValue(key, value, defaults[key])) out[key] = value;
    } else if (value != null && !(Array.isArray(value) && value.length === 0) && !derived(node, key)) {
      out[key] = await named(node, key, value, lookups);
    }
  }
  return out;
}

/** The name, then what identifies an object or is set at its creation, then the rest, then what is below it. */
function fileKeyOrder(node: TreeNode): string[] {
  const rules = KIND_RULES[node.kind];
  const group = (key: string) => {
    if (key === 'name') return 0;
    if (rules.createOnly.includes(key)) return 1;
    if (rules.children.some((c) => c.key === key)) return 3;
    return 2;
  };
  return Object.keys(KIND_SCHEMAS[node.kind].properties).sort((a, b) => group(a) - group(b));
}

function derived(node: TreeNode, field: string): boolean {
  const from = DERIVED[field];
  return from !== undefined && node.fields[from] != null;
}

/** A subnet, network or flavor id as its name, when the name names it alone. */
async function named(node: TreeNode, field: string, value: unknown, lookups: NameLookups): Promise<unknown> {
  const lookup = KIND_RULES[node.kind].lookups.find((l) => l.field === field);
  if (!lookup) return value;
  if (lookup.itemKey === undefined) return lookups.nameOf(lookup.collection, String(value));
  const key = lookup.itemKey;
  return Promise.all(
    (value as Json[]).map(async (item) => ({
      ...item,
      [key]: await lookups.nameOf(lookup.collection, String(item[key])),
    })),
  );
}

function unidentifiableBelow(node: TreeNode, siblings: readonly TreeNode[]): string[] {
  return [
    ...ambiguous([node], siblings),
    ...node.children.flatMap((child) => unidentifiableBelow(child, node.children)),
  ];
}

/** `pool web/ (id ...) has no name`, `pool web/app (id ...) shares its name`, ... */
function ambiguous(nodes: readonly TreeNode[], siblings: readonly TreeNode[]): string[] {
  return nodes.flatMap((node) => {
    const what = `${KIND_RULES[node.kind].collection.title} ${node.label} (${node.id})`;
    const named = node.kind === 'loadbalancer' || node.kind === 'pool';
    if (named && node.key === '') return [`${what} has no name`];
    const same = siblings.filter((other) => other.kind === node.kind && other.key === node.key);
    return same.length > 1 ? [`${what} is not the only one with this ${named ? 'name' : 'identity'}`] : [];
  });
}
