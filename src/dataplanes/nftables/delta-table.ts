import type { CounterValue } from './nat-counters.ts';
import { OwnedServices } from './owned-services.ts';
import { type TablePart, TableState } from './table-state.ts';

/**
 * An nftables table of owners' services (OwnedServices), each change one transaction, in order. The first write of
 * a process replaces the table whole (after a restart only the saved file is known), counters carried over; later
 * ones touch only the pieces of parts that changed (TableState), unless the kernel's table is not the one this
 * process wrote, which is then written whole again.
 */
export abstract class DeltaTable<S> extends OwnedServices<S> {
  /** What this process wrote and the kernel holds; null until the first write, or after a failed one. */
  private kernel: TableState | null = null;

  constructor(
    /** Family and name, `inet weir`. */
    private readonly table: string,
    private readonly apply: (script: string) => Promise<void>,
    private readonly counters: () => Promise<ReadonlyMap<string, CounterValue>>,
  ) {
    super();
  }

  /** The table's parts for these services. */
  protected abstract parts(services: readonly S[]): TablePart[];

  protected override get current(): boolean {
    return this.kernel !== null;
  }

  protected override async writeTable(services: readonly S[]): Promise<void> {
    if (!(await this.delta(services))) await this.rewrite(services);
  }

  /** Writes only what changed since the last write; false when the table has to be written whole instead. */
  private async delta(services: readonly S[]): Promise<boolean> {
    if (!this.kernel) return false;
    const plan = this.kernel.plan(this.parts(services));
    if (!plan) return false;
    try {
      if (plan.script) await this.apply(plan.script);
    } catch (error) {
      // Also how a table changed behind weir's back shows: the delta's first step, the generation, is not there.
      console.error(`weir: a change to table ${this.table} failed (${(error as Error).message}): rewriting it whole`);
      return false;
    }
    plan.commit();
    return true;
  }

  private async rewrite(services: readonly S[]): Promise<void> {
    this.kernel = null;
    // Counters restart from what they had: a rewrite loses only what passes between reading and writing.
    const { script, state } = TableState.whole(this.table, this.parts(services), await this.counters());
    await this.apply(script);
    this.kernel = state;
  }
}
