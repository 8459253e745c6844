/**
 * Where a key path lies in the parsed YAML, so a problem found on plain data can name file:line:column.
 * A key that is missing points at the mapping that should hold it.
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';
import type { Problem } from './problem.ts';

export interface Position {
  line: number;
  column: number;
}

export function yamlPosition(root: Node | null, lines: LineCounter, problem: Problem): Position | undefined {
  let node: Node | null = root;
  let pair: Pair<unknown, unknown> | undefined;
  for (const segment of problem.path) {
    pair = undefined;
    let next: unknown;
    if (isMap(node)) {
      pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment));
      next = pair?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (!isNode(next) || (isScalar(next) && next.value === null)) {
      // The value is empty or the key is absent: the key, or else the enclosing node, is the best place to point.
      return start(isNode(pair?.key) ? pair.key : node, lines);
    }
    node = next;
  }
  if (problem.atKey && isNode(pair?.key)) return start(pair.key, lines);
  return start(node, lines);
}

function start(node: Node | null, lines: LineCounter): Position | undefined {
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && 'range' in value && (value as Node).range !== undefined;
