/**
 * For the declarative engine's unit tests: the trees of a file, and those the API would hold after creating what
 * the file describes (every field with its default filled in, as the API shows it, ids `<label>#id`).
 */
import type { Json } from '../../src/client/octavia-client.ts';
import { readDesiredFile } from '../../src/declarative/desired-file.ts';
import { KIND_RULES } from '../../src/declarative/kind-rules.ts';
import { type TreeNode, treeNode } from '../../src/declarative/tree-node.ts';

export const fileTrees = (yaml: string): TreeNode[] => readDesiredFile(yaml, 'web.yaml').loadbalancers;

/** `overrides` change fields of the service's objects, by `<kind> <label>`: `{'pool web/app': {tags: []}}`. */
export function serviceTrees(yaml: string, overrides: Record<string, Json> = {}): TreeNode[] {
  const copies = new Map<TreeNode, TreeNode>();
  const copy = (node: TreeNode, parent: TreeNode | undefined, position: number): TreeNode => {
    const fields = {
      ...KIND_RULES[node.kind].defaults(node.fields),
      ...node.fields,
      ...overrides[`${node.kind} ${node.label}`],
    };
    const made = treeNode(node.kind, parent, fields, position, { id: `${node.label}#id` });
    copies.set(node, made);
    node.children.forEach((child, i) => {
      made.children.push(copy(child, made, i + 1));
    });
    return made;
  };
  const trees = fileTrees(yaml).map((lb) => copy(lb, undefined, 1));
  for (const [original, made] of copies) {
    for (const [field, pool] of original.refs) made.refs.set(field, pool && copies.get(pool)!);
  }
  return trees;
}
