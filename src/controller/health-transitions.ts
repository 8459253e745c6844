import type { TrackedStatus } from '../health/health-tracker.ts';

/** A member's health verdict changed, as the reconciler took it. `at` is epoch ms. */
export type HealthTransition = {
  at: number;
  memberId: string;
  from: TrackedStatus;
  to: 'UP' | 'DOWN';
  reason: string;
};

/** How many transitions are kept per load balancer: enough to read a flapping member's story, bounded in memory. */
export const TRANSITIONS_KEPT = 100;

/**
 * The recent health transitions of each load balancer's members, newest last, in memory only: the last `kept` per
 * load balancer, gone with the load balancer. Shown to whoever may read the load balancer's status.
 */
export class HealthTransitions {
  readonly #byLoadBalancer = new Map<string, HealthTransition[]>();

  constructor(private readonly kept = TRANSITIONS_KEPT) {}

  record(loadbalancerId: string, transition: HealthTransition): void {
    const list = this.#byLoadBalancer.get(loadbalancerId) ?? [];
    list.push(transition);
    if (list.length > this.kept) list.splice(0, list.length - this.kept);
    this.#byLoadBalancer.set(loadbalancerId, list);
  }

  of(loadbalancerId: string): readonly HealthTransition[] {
    return [...(this.#byLoadBalancer.get(loadbalancerId) ?? [])];
  }

  forget(loadbalancerId: string): void {
    this.#byLoadBalancer.delete(loadbalancerId);
  }
}
