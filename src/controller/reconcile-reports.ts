import type { ObjectKind } from '../store/state-store.ts';
import type { ReconcileResult } from './reconcile-observer.ts';

/** Why an object went to ERROR: the reason of the run that put it there. `at` is epoch ms. */
export type ObjectError = { kind: ObjectKind; id: string; at: number; reason: string };

/** Where a run moved a pending object: settled, or gone from the store. */
export type SettledObject = { kind: ObjectKind; id: string; status: 'ACTIVE' | 'ERROR' | 'DELETED' };

/**
 * How the last reconciliation of a load balancer ended (`reason` says why it failed), and the last error of each of
 * its objects still in ERROR.
 */
export type ReconcileReport = {
  at: number;
  result: ReconcileResult;
  reason: string | null;
  errors: readonly ObjectError[];
};

type Kept = { at: number; result: ReconcileResult; reason: string | null; errors: Map<string, ObjectError> };

/**
 * The last reconciliation of each load balancer and why its objects went to ERROR, in memory only, for the API to
 * show: an object's error stays until a later run settles it ACTIVE or removes it, and all of it goes with the load
 * balancer. The reasons are the data plane's own words.
 */
export class ReconcileReports {
  readonly #byLoadBalancer = new Map<string, Kept>();

  /** One run ended; `settled` lists the pending objects it moved on, those in ERROR because of `reason`. */
  ran(
    loadbalancerId: string,
    run: { at: number; result: ReconcileResult; reason: string | null; settled: readonly SettledObject[] },
  ): void {
    const errors = this.#byLoadBalancer.get(loadbalancerId)?.errors ?? new Map<string, ObjectError>();
    for (const { kind, id, status } of run.settled) {
      if (status === 'ERROR') errors.set(id, { kind, id, at: run.at, reason: run.reason ?? 'unknown' });
      else errors.delete(id);
    }
    this.#byLoadBalancer.set(loadbalancerId, { at: run.at, result: run.result, reason: run.reason, errors });
  }

  of(loadbalancerId: string): ReconcileReport | undefined {
    const kept = this.#byLoadBalancer.get(loadbalancerId);
    return kept && { at: kept.at, result: kept.result, reason: kept.reason, errors: [...kept.errors.values()] };
  }

  forget(loadbalancerId: string): void {
    this.#byLoadBalancer.delete(loadbalancerId);
  }
}
