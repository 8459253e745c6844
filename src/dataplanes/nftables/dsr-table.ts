import { DSR_TABLE, type DsrService, renderDsrTable } from './dsr-ruleset.ts';
import { type CounterValue, readTableCounters } from './nat-counters.ts';
import { OwnedTable } from './owned-table.ts';

/** Every counter in the DSR table; none when it is not there (yet). */
export const readDsrCounters = (): Promise<Map<string, CounterValue>> => readTableCounters('netdev', DSR_TABLE);

/** The DSR table of this process: one kernel, one table, for every DSR load balancer. */
export const dsrTable = new OwnedTable<DsrService>(renderDsrTable, readDsrCounters);
