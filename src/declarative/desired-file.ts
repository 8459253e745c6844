/**
 * Reads a declarative file into the trees the diff engine compares: YAML parsed with positions, checked by the
 * schema (built from the API's) and by fileProblems, every problem reported at once as a ConfigError whose lines name
 * file:line:column, the key path and the reason. Nothing is sent to the API before the file passed.
 */
import Value from 'typebox/value';
import type { Json } from '../client/octavia-client.ts';
import type { ObjectKind } from '../client/owning-load-balancer.ts';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import type { KeyPath } from '../config/problem.ts';
import { schemaProblems } from '../config/schema-problems.ts';
import { inFileOrder, parseYamlSource } from '../config/yaml-source.ts';
import { fileProblems } from './file-problems.ts';
import { DECLARATIVE_FILE } from './file-schema.ts';
import { KIND_RULES } from './kind-rules.ts';
import { type TreeNode, treeNode } from './tree-node.ts';

export interface DesiredFile {
  readonly loadbalancers: TreeNode[];
  /** The issue of a problem with the object at `path`, at its place in the file. */
  locate(path: KeyPath, reason: string): ConfigIssue;
}

/** Throws ConfigError listing every problem, in the file's order. `fileName` labels positions. */
export function readDesiredFile(text: string, fileName: string): DesiredFile {
  const source = parseYamlSource(text, fileName);
  if (typeof source.data !== 'object' || source.data === null || Array.isArray(source.data)) {
    throw new ConfigError([
      source.locate({ path: [], reason: 'the file must be a mapping with a loadbalancers: list (an empty one: [])' }),
    ]);
  }
  // As the API does: "80" is a port, 200 the expected codes "200".
  const data = Value.Convert(DECLARATIVE_FILE, structuredClone(source.data)) as Json;
  const shape = schemaProblems(DECLARATIVE_FILE, data);
  if (shape.length > 0) throw new ConfigError(inFileOrder(shape.map((problem) => source.locate(problem))));
  const rules = fileProblems(data);
  if (rules.length > 0) throw new ConfigError(inFileOrder(rules.map((problem) => source.locate(problem))));
  return {
    loadbalancers: (data.loadbalancers as Json[]).map((lb, i) => desiredLoadBalancer(lb, ['loadbalancers', i])),
    locate: (path, reason) => source.locate({ path, reason }),
  };
}

function desiredLoadBalancer(mapping: Json, path: KeyPath): TreeNode {
  const lb = desiredNode('loadbalancer', mapping, undefined, 1, path);
  const pools = new Map(lb.children.filter((c) => c.kind === 'pool').map((pool) => [pool.key, pool]));
  const resolve = (node: TreeNode, source: Json) => {
    for (const { field, fileKey } of KIND_RULES[node.kind].references) {
      node.refs.set(field, source[fileKey] == null ? null : pools.get(String(source[fileKey]))!);
    }
  };
  for (const listener of lb.children.filter((c) => c.kind === 'listener')) {
    resolve(listener, mappingAt(mapping, listener.path!, path));
    for (const policy of listener.children) resolve(policy, mappingAt(mapping, policy.path!, path));
  }
  return lb;
}

/** The node of one mapping and, recursively, its children; null values count as absent. */
function desiredNode(
  kind: ObjectKind,
  mapping: Json,
  parent: TreeNode | undefined,
  position: number,
  path: KeyPath,
): TreeNode {
  const rules = KIND_RULES[kind];
  const structural = new Set([...rules.children.map((c) => c.key), ...rules.references.map((r) => r.fileKey)]);
  const fields = Object.fromEntries(
    Object.entries(mapping).filter(([key, value]) => !structural.has(key) && value != null),
  );
  const node = treeNode(kind, parent, fields, position, { path });
  for (const child of rules.children) {
    const value = mapping[child.key];
    if (value == null) continue;
    if (child.single) {
      node.children.push(desiredNode(child.kind, value as Json, node, 1, [...path, child.key]));
      continue;
    }
    (value as Json[]).forEach((item, i) => {
      node.children.push(desiredNode(child.kind, item, node, i + 1, [...path, child.key, i]));
    });
  }
  return node;
}

/** The mapping at `path` within the load balancer's mapping, which sits at `lbPath`. */
function mappingAt(lb: Json, path: KeyPath, lbPath: KeyPath): Json {
  let node: unknown = lb;
  for (const segment of path.slice(lbPath.length)) node = (node as Record<string | number, unknown>)[segment];
  return node as Json;
}
