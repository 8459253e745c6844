import { type CounterValue, readNatCounters } from './nat-counters.ts';
import { type NatService, renderNatTable } from './nat-ruleset.ts';
import { runNft } from './nft-command.ts';

/**
 * weir's one nftables table, written for every owner of services in it (the nat provider's load balancers, the
 * proxy's UDP listeners): each owner sets its services, and every change rewrites the table whole, in order.
 */
export class NatTable {
  private readonly owners = new Map<string, readonly NatService[]>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly apply: (script: string) => Promise<void> = runNft,
    private readonly counters: () => Promise<ReadonlyMap<string, CounterValue>> = readNatCounters,
  ) {}

  /** Replaces the owner's services (none: the owner leaves the table) and writes the table. */
  set(owner: string, services: readonly NatService[]): Promise<void> {
    if (services.length === 0) this.owners.delete(owner);
    else this.owners.set(owner, services);
    // Counters restart from what they had: a rewrite loses only what passes between reading and writing.
    const rewrite = async () => this.apply(renderNatTable([...this.owners.values()].flat(), await this.counters()));
    const next = this.writing.catch(() => {}).then(rewrite);
    this.writing = next;
    return next;
  }

  /** Resolves when every write asked for so far is done, whatever its outcome. */
  settled(): Promise<void> {
    return this.writing.catch(() => {});
  }
}

/** The table of this process: one kernel, one table, whichever drivers share it. */
export const natTable = new NatTable();
