import type { Balancer, BalancerTarget } from './balancer.ts';
import { MemberSet } from './member-set.ts';

/**
 * One step of nginx's smooth weighted round robin: every member gains its weight, the richest is chosen and pays the
 * total. Weights 5,1,1 give a,a,b,a,c,a,a: heavy members are interleaved with the others instead of served in bursts,
 * and every member is chosen exactly `weight` times per `total` steps. Ties go to the lowest index, so equal
 * weights take turns in order. Mutates `current`; returns the chosen index.
 */
export function smoothTurn(weights: Int32Array, current: Int32Array, total: number): number {
  let best = 0;
  let bestCurrent = -Infinity;
  for (let i = 0; i < weights.length; i++) {
    const c = current[i]! + weights[i]!;
    current[i] = c;
    if (c > bestCurrent) {
      best = i;
      bestCurrent = c;
    }
  }
  current[best] = bestCurrent - total;
  return best;
}

/** The members in turn and their running credit; replaced whole when the eligible members change. */
interface Rotation<T> {
  readonly targets: readonly T[];
  readonly weights: Int32Array;
  readonly current: Int32Array;
  readonly total: number;
}

/** ROUND_ROBIN: weighted, smooth. A pick costs one pass over the eligible members' weights. */
export class SmoothWeightedRoundRobin<T extends BalancerTarget> implements Balancer<T> {
  readonly algorithm = 'ROUND_ROBIN';
  readonly #members = new MemberSet<T>();
  #rotation = rotationOf<T>([]);

  update(targets: readonly T[]): void {
    if (this.#members.update(targets)) this.#rotation = rotationOf(this.#members.snapshot.active);
  }

  setUp(id: string, up: boolean): void {
    if (this.#members.setUp(id, up)) this.#rotation = rotationOf(this.#members.snapshot.active);
  }

  pick(): T | undefined {
    const { targets, weights, current, total } = this.#rotation;
    if (targets.length === 0) return undefined;
    return targets[smoothTurn(weights, current, total)];
  }
}

function rotationOf<T extends BalancerTarget>(targets: readonly T[]): Rotation<T> {
  const weights = Int32Array.from(targets, (t) => t.weight);
  return { targets, weights, current: new Int32Array(targets.length), total: weights.reduce((a, b) => a + b, 0) };
}
