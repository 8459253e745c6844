import type { Json } from '../client/octavia-client.ts';
import type { ObjectKind } from '../client/owning-load-balancer.ts';
import type { KeyPath } from '../config/problem.ts';
import { identityOf } from './identity.ts';

/**
 * One object of a load balancer's tree, as a file describes it (desired) or as the API holds it (live): both are
 * built into the same shape, so the diff engine compares them one kind at a time.
 */
export interface TreeNode {
  readonly kind: ObjectKind;
  /** Its identity among its siblings (see identity.ts): a pool's name, a member's address and port, ... */
  readonly key: string;
  /** What names it below its parent in messages: `HTTP:80`, `app`, `10.0.0.5:8080`; empty for a health monitor. */
  readonly segment: string;
  /** Its parent's label and its own segment: `web/HTTP:80/1`. */
  readonly label: string;
  /** Its writable fields, with the API's names; references to pools are in `refs` instead. */
  readonly fields: Json;
  /** The pool a listener's default_pool_id or a policy's redirect_pool_id names, or null for none. */
  readonly refs: Map<string, TreeNode | null>;
  readonly children: TreeNode[];
  /** Live objects: the id the API gave it. */
  readonly id?: string;
  /** Objects of a file: where the file describes it. */
  readonly path?: KeyPath;
}

/** `web/HTTP:80`: the segments from the load balancer down, the empty ones (health monitors) left out. */
export function joinLabel(parent: TreeNode | undefined, segment: string): string {
  if (!parent) return segment;
  return segment === '' ? parent.label : `${parent.label}/${segment}`;
}

/** A node of `kind` below `parent` (none for a load balancer); `position` counts its siblings from 1. */
export function treeNode(
  kind: ObjectKind,
  parent: TreeNode | undefined,
  fields: Json,
  position: number,
  origin: { id?: string; path?: KeyPath },
): TreeNode {
  const { key, segment } = identityOf(kind, fields, position);
  return { kind, key, segment, label: joinLabel(parent, segment), fields, refs: new Map(), children: [], ...origin };
}
