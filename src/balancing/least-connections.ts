import type { Balancer, BalancerTarget } from './balancer.ts';
import { MemberSet } from './member-set.ts';

/** A member's open connections; kept by id across configuration and health changes, since its connections are. */
interface Load {
  active: number;
  /** Whether the configuration still has the member; a removed one is forgotten when its last connection ends. */
  configured: boolean;
  /** Its index in the current heap's per-member arrays, -1 while it is not eligible. */
  slot: number;
}

/**
 * The eligible members as a binary min-heap on weighted load, replaced whole when they change; the counts inside
 * move in place, each event sifting one member, so neither a pick nor a connection event scans the pool.
 */
interface Heap<T> {
  readonly targets: readonly T[];
  readonly loads: readonly Load[];
  readonly weights: Int32Array;
  /** When each member was last picked (a pick counter): among equal loads the longest unpicked goes first. */
  readonly lastPick: Float64Array;
  /** Heap position -> member slot. */
  readonly order: Int32Array;
  /** Member slot -> heap position. */
  readonly position: Int32Array;
}

/**
 * LEAST_CONNECTIONS, weighted: the member whose load would be lowest after taking this connection,
 * (active + 1) / weight, so an idle pool still fills heavier members first, and ties rotate so equal members share
 * evenly. The proxy reports `connectionStarted`/`connectionEnded` for every connection it opens to a picked member.
 */
export class LeastConnections<T extends BalancerTarget> implements Balancer<T> {
  readonly algorithm = 'LEAST_CONNECTIONS';
  readonly #members = new MemberSet<T>();
  readonly #loads = new Map<string, Load>();
  #heap = heapOf<T>([], []);
  /** The pick counter; a float array so that it counts past 2^31 without boxing a number on every pick. */
  readonly #clock = new Float64Array(1);

  update(targets: readonly T[]): void {
    const changed = this.#members.update(targets);
    for (const load of this.#loads.values()) load.configured = false;
    for (const { id } of targets) {
      const load = this.#loads.get(id);
      if (load) load.configured = true;
      else this.#loads.set(id, { active: 0, configured: true, slot: -1 });
    }
    for (const [id, load] of this.#loads) if (!load.configured && load.active === 0) this.#loads.delete(id);
    if (changed) this.#rebuild();
  }

  setUp(id: string, up: boolean): void {
    if (this.#members.setUp(id, up)) this.#rebuild();
  }

  pick(): T | undefined {
    const heap = this.#heap;
    if (heap.order.length === 0) return undefined;
    const top = heap.order[0]!;
    const now = this.#clock[0]! + 1;
    this.#clock[0] = now;
    heap.lastPick[top] = now;
    this.#siftDown(heap, 0);
    return heap.targets[top];
  }

  connectionStarted(target: T): void {
    const load = this.#loads.get(target.id);
    if (!load) return;
    load.active++;
    if (load.slot >= 0) this.#siftDown(this.#heap, this.#heap.position[load.slot]!);
  }

  connectionEnded(target: T): void {
    const load = this.#loads.get(target.id);
    if (!load || load.active === 0) return;
    load.active--;
    if (load.slot >= 0) this.#siftUp(this.#heap, this.#heap.position[load.slot]!);
    else if (!load.configured && load.active === 0) this.#loads.delete(target.id);
  }

  /** The open connections counted for a member, for the runtime view and tests. */
  activeConnections(id: string): number {
    return this.#loads.get(id)?.active ?? 0;
  }

  #rebuild(): void {
    for (const load of this.#loads.values()) load.slot = -1;
    const targets = this.#members.snapshot.active;
    const loads = targets.map((t, slot) => {
      const load = this.#loads.get(t.id)!;
      load.slot = slot;
      return load;
    });
    const heap = heapOf(targets, loads);
    for (let i = (targets.length >> 1) - 1; i >= 0; i--) this.#siftDown(heap, i);
    this.#heap = heap;
  }

  #siftUp(heap: Heap<T>, from: number): void {
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap, heap.order[i]!, heap.order[parent]!)) return;
      swap(heap, i, parent);
      i = parent;
    }
  }

  #siftDown(heap: Heap<T>, from: number): void {
    const n = heap.order.length;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && before(heap, heap.order[right]!, heap.order[left]!) ? right : left;
      if (!before(heap, heap.order[child]!, heap.order[i]!)) return;
      swap(heap, i, child);
      i = child;
    }
  }
}

function heapOf<T extends BalancerTarget>(targets: readonly T[], loads: readonly Load[]): Heap<T> {
  const n = targets.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return {
    targets,
    loads,
    weights: Int32Array.from(targets, (t) => t.weight),
    lastPick: new Float64Array(n),
    order,
    position: order.slice(),
  };
}

/** Whether slot `a` should be picked before slot `b`; cross-multiplied so the comparison stays exact. */
function before<T>(heap: Heap<T>, a: number, b: number): boolean {
  const loadA = (heap.loads[a]!.active + 1) * heap.weights[b]!;
  const loadB = (heap.loads[b]!.active + 1) * heap.weights[a]!;
  if (loadA !== loadB) return loadA < loadB;
  const pickedA = heap.lastPick[a]!;
  const pickedB = heap.lastPick[b]!;
  return pickedA !== pickedB ? pickedA < pickedB : a < b;
}

function swap<T>(heap: Heap<T>, i: number, j: number): void {
  const a = heap.order[i]!;
  const b = heap.order[j]!;
  heap.order[i] = b;
  heap.order[j] = a;
  heap.position[b] = i;
  heap.position[a] = j;
}
