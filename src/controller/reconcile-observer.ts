/**
 * How one reconciliation of one load balancer ended: its data plane took a changed spec (`applied`), already carried
 * it (`unchanged`), let go of a deleted load balancer (`removed`), or did not get there (`failed`: the driver
 * refused or failed, the store failed, or the load balancer names a provider this node does not run).
 */
export type ReconcileResult = 'applied' | 'unchanged' | 'removed' | 'failed';

/** The `driver` of a run that went to no single data plane: a provider this node does not run, or no tree left. */
export const NO_DRIVER = 'none';

/**
 * Told what the reconciler does, for the service's metrics. Called on the reconciler's path, so it must be cheap and
 * must not throw.
 */
export interface ReconcileObserver {
  /** One run for one load balancer ended; `driver` names the data-plane driver it went to, or NO_DRIVER. */
  reconciled(driver: string, result: ReconcileResult, seconds: number): void;
  /**
   * The store revisions: `desired`, the newest committed; `applied`, the newest whose load-balancer changes the data
   * planes all carry (see AppliedRevision). Reported whenever either may have moved.
   */
  revisions(desired: number, applied: number): void;
}
