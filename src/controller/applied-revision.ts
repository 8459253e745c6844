/**
 * Which store revision the data planes carry: the newest revision R such that every change to a load balancer's tree
 * committed at or before R has been applied by a reconciliation that read the tree after it. A load balancer whose
 * runs fail holds it back until a run succeeds (or it is deleted), so `applied` below `desired` for long means
 * reconciliation is stuck, not just busy. Commits that touch no load balancer (quotas, flavors) need no applying.
 *
 * Only load balancers with unapplied changes are kept, so the cost follows the backlog, not the number of them.
 */
export class AppliedRevision {
  #desired = 0;
  /** Per load balancer with unapplied changes: the oldest revision that may hold one, and the newest that does. */
  readonly #unapplied = new Map<string, { oldest: number; newest: number }>();

  /** The newest store revision known. */
  get desired(): number {
    return this.#desired;
  }

  get applied(): number {
    let oldest = this.#desired + 1;
    for (const pending of this.#unapplied.values()) oldest = Math.min(oldest, pending.oldest);
    return oldest - 1;
  }

  /**
   * The store reached `revision`, and these load balancers' trees changed in it; `since` is the oldest revision
   * their changes may date from when that is earlier (at start, every load balancer may hold anything from 1 on).
   */
  committed(revision: number, loadbalancerIds: Iterable<string>, since = revision): void {
    this.#desired = Math.max(this.#desired, revision);
    for (const id of loadbalancerIds) {
      const pending = this.#unapplied.get(id);
      if (pending) pending.newest = Math.max(pending.newest, revision);
      else this.#unapplied.set(id, { oldest: since, newest: revision });
    }
  }

  /** A run that read the store at `revision` (or later) applied the load balancer, or took it off its data plane. */
  reconciled(loadbalancerId: string, revision: number): void {
    this.#desired = Math.max(this.#desired, revision);
    const pending = this.#unapplied.get(loadbalancerId);
    if (!pending) return;
    if (pending.newest <= revision) this.#unapplied.delete(loadbalancerId);
    // A later change is not known to be applied; the first one after `revision` is at revision + 1 at the earliest.
    else pending.oldest = Math.max(pending.oldest, revision + 1);
  }
}
