/**
 * Which load balancer holds each name published in the DNS server. A load balancer's main name is its own (the
 * driver refuses another's main name); its sub-names (SRV owners, member host names) are published only while no
 * other load balancer holds them, and a main name takes a sub-name of the same spelling over.
 */
import type { NameRecords, PublishedRecords } from '../../dns/published-records.ts';
import type { LoadBalancerNames } from './load-balancer-names.ts';

interface Holder {
  readonly loadbalancerId: string;
  readonly main: boolean;
}

export class HeldNames {
  private readonly holders = new Map<string, Holder>();
  /** Per load balancer, the names it holds now. */
  private readonly held = new Map<string, Set<string>>();
  /** Per load balancer, every name it would publish: it gets those another lets go of. */
  private readonly wanted = new Map<string, ReadonlySet<string>>();

  /** `republish(id)` recomputes and `set`s a load balancer's names again: it wants a name another let go of. */
  constructor(
    private readonly records: PublishedRecords,
    private readonly republish: (loadbalancerId: string) => void,
  ) {}

  /** The load balancer publishing canonical `name` as its main name, if any. */
  mainHolder(name: string): string | undefined {
    const holder = this.holders.get(name);
    return holder?.main ? holder.loadbalancerId : undefined;
  }

  /** Publishes the load balancer's names as above, and withdraws those it held and has no more. */
  set(loadbalancerId: string, names: LoadBalancerNames): void {
    const before = this.held.get(loadbalancerId) ?? new Set<string>();
    const now = new Set<string>();
    const take = (name: string, records: NameRecords, main: boolean) => {
      const holder = this.holders.get(name);
      if (holder !== undefined && holder.loadbalancerId !== loadbalancerId) {
        if (!main) return;
        this.held.get(holder.loadbalancerId)?.delete(name);
      }
      this.holders.set(name, { loadbalancerId, main });
      this.records.publish(name, records);
      now.add(name);
    };
    take(names.main, names.mainRecords, true);
    for (const [name, records] of names.subNames) take(name, records, false);
    this.held.set(loadbalancerId, now);
    this.wanted.set(loadbalancerId, new Set([names.main, ...names.subNames.keys()]));
    this.letGo(
      loadbalancerId,
      [...before].filter((name) => !now.has(name)),
    );
  }

  /** Withdraws every name the load balancer holds. */
  remove(loadbalancerId: string): void {
    const names = [...(this.held.get(loadbalancerId) ?? [])];
    this.held.delete(loadbalancerId);
    this.wanted.delete(loadbalancerId);
    this.letGo(loadbalancerId, names);
  }

  /** Withdraws the names that are still the load balancer's, and offers them to the others that want them. */
  private letGo(loadbalancerId: string, names: readonly string[]): void {
    const freed = names.filter((name) => this.holders.get(name)?.loadbalancerId === loadbalancerId);
    if (freed.length === 0) return;
    for (const name of freed) {
      this.holders.delete(name);
      this.records.withdraw(name);
    }
    for (const [other, wants] of this.wanted) {
      if (other !== loadbalancerId && freed.some((name) => wants.has(name))) this.republish(other);
    }
  }
}
