import { type CounterValue, readNatCounters } from './nat-counters.ts';
import { type NatService, natTableParts, renderNatTable } from './nat-ruleset.ts';
import type { TableState } from './nat-table-delta.ts';
import { runNft } from './nft-command.ts';
import { OwnedServices, type ServicesByOwner } from './owned-services.ts';
import type { SourceNatRule } from './source-nat-ruleset.ts';

/** <data_dir>/nat-services.json. Before source NAT it held the services alone, keyed by owner; that is still read. */
interface SavedTable {
  services: ServicesByOwner<NatService>;
  source_nat: readonly SourceNatRule[];
}

function savedTable(json: unknown): SavedTable {
  const saved = json as SavedTable | SavedTable['services'];
  // The old file maps owners, named `<provider>:<id>`, to lists: none is called `services`, nor maps to an object.
  const services = saved.services;
  if (typeof services === 'object' && services !== null && !Array.isArray(services)) return saved as SavedTable;
  return { services: saved as SavedTable['services'], source_nat: [] };
}

/**
 * weir's one nftables table, written for every owner of services in it (the nat provider's load balancers, the
 * proxy's UDP listeners) and for the configured source NAT, each change one transaction, in order. The first write
 * of a process replaces the table whole (after a restart only the saved file is known); later ones touch only the
 * pieces of services that changed, unless the kernel's table is not the one this process wrote.
 */
export class NatTable extends OwnedServices<NatService> {
  private sourceNat: readonly SourceNatRule[] = [];
  /** What this process wrote and the kernel holds; null until the first write, or after a failed one. */
  private kernel: TableState | null = null;

  constructor(
    private readonly apply: (script: string) => Promise<void> = runNft,
    private readonly counters: () => Promise<ReadonlyMap<string, CounterValue>> = readNatCounters,
  ) {
    super();
  }

  protected override get current(): boolean {
    return this.kernel !== null;
  }

  protected override fromFile(saved: unknown): ServicesByOwner<NatService> {
    const table = savedTable(saved);
    this.sourceNat = table.source_nat;
    return table.services;
  }

  protected override toFile(services: ServicesByOwner<NatService>): SavedTable {
    return { services, source_nat: this.sourceNat };
  }

  /**
   * Sets the source NAT of the members' own flows (`nat.source_nat`) and writes the table when the kernel may hold
   * something else: after a restart it is written even if unchanged, and rules the config no longer has are taken
   * out. Nothing configured and nothing written before writes nothing.
   */
  async setSourceNat(rules: readonly SourceNatRule[]): Promise<void> {
    const wanted = rules.map(({ sources, addresses, interface: name }) => ({
      sources: [...sources],
      addresses: [...addresses],
      ...(name ? { interface: name } : {}),
    }));
    const previous = this.sourceNat;
    const unchanged = JSON.stringify(previous) === JSON.stringify(wanted);
    if (unchanged && (this.current || wanted.length === 0)) return this.settled();
    this.sourceNat = wanted;
    try {
      await this.write();
    } catch (error) {
      if (this.sourceNat === wanted) this.sourceNat = previous;
      throw error;
    }
  }

  protected override async writeTable(services: readonly NatService[]): Promise<void> {
    if (!(await this.delta(services))) await this.rewrite(services);
  }

  /** Writes only what changed since the last write; false when the table has to be written whole instead. */
  private async delta(services: readonly NatService[]): Promise<boolean> {
    if (!this.kernel) return false;
    const plan = this.kernel.plan(natTableParts(services, this.sourceNat));
    if (!plan) return false;
    try {
      if (plan.script) await this.apply(plan.script);
    } catch (error) {
      // Also how a table changed behind weir's back shows: the delta's first step, the generation, is not there.
      console.error(`weir: a change to table inet weir failed (${(error as Error).message}): rewriting it whole`);
      return false;
    }
    plan.commit();
    return true;
  }

  private async rewrite(services: readonly NatService[]): Promise<void> {
    this.kernel = null;
    // Counters restart from what they had: a rewrite loses only what passes between reading and writing.
    const { script, state } = renderNatTable(services, await this.counters(), this.sourceNat);
    await this.apply(script);
    this.kernel = state;
  }
}

/** The table of this process: one kernel, one table, whichever drivers share it. */
export const natTable = new NatTable();
