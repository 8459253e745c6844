import type { LbAlgorithm } from '../model/constants.ts';

/** What a balancer needs to know of a pool member; the proxy passes its own richer objects and gets them back. */
export interface BalancerTarget {
  readonly id: string;
  /** Octavia's 0-256; 0 drains the member: it keeps its connections but is never picked for a new one. */
  readonly weight: number;
  /** Used only while no regular member is eligible. */
  readonly backup: boolean;
  readonly adminStateUp: boolean;
}

/**
 * The client of a new connection, as Node reports it on a socket (`remoteAddress` is undefined once the socket is
 * gone). A `net.Socket` satisfies this shape, so the proxy can pass the socket itself and allocate nothing.
 */
export interface PickContext {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

/**
 * One load-balancing algorithm over one pool. Every implementation applies Octavia's member semantics through
 * `MemberSet`, rebuilds its picking structure only when the set of members that may be picked changes, and `pick`
 * allocates nothing, so it can run once per connection or request without feeding the garbage collector.
 */
export interface Balancer<T extends BalancerTarget = BalancerTarget> {
  readonly algorithm: LbAlgorithm;
  /** The pool's whole member list (a new configuration); health marks of members still present are kept. */
  update(targets: readonly T[]): void;
  /** A health-check transition for one member; members start up. */
  setUp(id: string, up: boolean): void;
  /** The member for a new connection, or undefined when none is eligible (the proxy answers 503 at once). */
  pick(ctx: PickContext): T | undefined;
  /** A connection to `target` (as returned by `pick`) was opened; algorithms that count connections implement it. */
  connectionStarted?(target: T): void;
  /** That connection closed, whatever the reason. */
  connectionEnded?(target: T): void;
}
