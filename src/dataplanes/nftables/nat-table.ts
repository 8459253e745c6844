import { DeltaTable } from './delta-table.ts';
import { type CounterValue, readNatCounters } from './nat-counters.ts';
import { NAT_TABLE, type NatService, natTableParts } from './nat-ruleset.ts';
import { runNft } from './nft-command.ts';
import type { ServicesByOwner } from './owned-services.ts';
import type { SourceNatRule } from './source-nat-ruleset.ts';
import type { TablePart } from './table-state.ts';

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
 * proxy's UDP listeners) and for the configured source NAT: whole at a process's first write, by delta after
 * (DeltaTable).
 */
export class NatTable extends DeltaTable<NatService> {
  private sourceNat: readonly SourceNatRule[] = [];

  constructor(
    apply: (script: string) => Promise<void> = runNft,
    counters: () => Promise<ReadonlyMap<string, CounterValue>> = readNatCounters,
  ) {
    super(`inet ${NAT_TABLE}`, apply, counters);
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

  protected override parts(services: readonly NatService[]): TablePart[] {
    return natTableParts(services, this.sourceNat);
  }
}

/** The table of this process: one kernel, one table, whichever drivers share it. */
export const natTable = new NatTable();
