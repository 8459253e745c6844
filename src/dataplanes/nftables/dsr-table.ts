import { DeltaTable } from './delta-table.ts';
import { DSR_TABLE, type DsrService, dsrTableParts } from './dsr-ruleset.ts';
import { type CounterValue, readTableCounters } from './nat-counters.ts';
import { runNft } from './nft-command.ts';
import type { TablePart } from './table-state.ts';

/** Every counter in the DSR table; none when it is not there (yet). */
export const readDsrCounters = (): Promise<Map<string, CounterValue>> => readTableCounters('netdev', DSR_TABLE);

/**
 * The `netdev weir_dsr` table of every DSR load balancer: whole at a process's first write, by delta after
 * (DeltaTable), so a member's change writes only its service's changed slots. The file holds the services alone,
 * keyed by owner.
 */
export class DsrTable extends DeltaTable<DsrService> {
  constructor(
    apply: (script: string) => Promise<void> = runNft,
    counters: () => Promise<ReadonlyMap<string, CounterValue>> = readDsrCounters,
  ) {
    super(`netdev ${DSR_TABLE}`, apply, counters);
  }

  protected override parts(services: readonly DsrService[]): TablePart[] {
    return dsrTableParts(services);
  }
}

/** The DSR table of this process: one kernel, one table, for every DSR load balancer. */
export const dsrTable = new DsrTable();
