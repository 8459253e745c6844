import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type CounterValue, readNatCounters } from './nat-counters.ts';
import { type NatService, natTableParts, renderNatTable } from './nat-ruleset.ts';
import type { TableState } from './nat-table-delta.ts';
import { runNft } from './nft-command.ts';
import type { SourceNatRule } from './source-nat-ruleset.ts';

/** <data_dir>/nat-services.json. Before source NAT it held the services alone, keyed by owner; that is still read. */
interface SavedTable {
  services: Record<string, readonly NatService[]>;
  source_nat: readonly SourceNatRule[];
}

function savedTable(text: string): SavedTable {
  const saved = JSON.parse(text) as SavedTable | SavedTable['services'];
  // The old file maps owners, named `<provider>:<id>`, to lists: none is called `services`, nor maps to an object.
  const services = saved.services;
  if (typeof services === 'object' && services !== null && !Array.isArray(services)) return saved as SavedTable;
  return { services: saved as SavedTable['services'], source_nat: [] };
}

/**
 * weir's one nftables table, written for every owner of services in it (the nat provider's load balancers, the
 * proxy's UDP listeners) and for the configured source NAT: each owner sets its services, and each change is one transaction, in order. The first
 * write of a process replaces the table whole (after a restart only the saved file is known); later ones touch only
 * the pieces of services that changed, unless the kernel's table is not the one this process wrote.
 */
export class NatTable {
  private readonly owners = new Map<string, readonly NatService[]>();
  /** Owners restored from the last run that have not set their services again since. */
  private readonly unclaimed = new Set<string>();
  private sourceNat: readonly SourceNatRule[] = [];
  private file: string | null = null;
  /** What this process wrote and the kernel holds; null until the first write, or after a failed one. */
  private kernel: TableState | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly apply: (script: string) => Promise<void> = runNft,
    private readonly counters: () => Promise<ReadonlyMap<string, CounterValue>> = readNatCounters,
  ) {}

  /**
   * Keeps what the table holds in `file` and starts from what it held: after a restart, the services of load
   * balancers not re-applied yet stay in the table, so forwarding goes on while weir catches up.
   */
  restoreFrom(file: string): void {
    this.file = file;
    let saved: SavedTable;
    try {
      saved = savedTable(readFileSync(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    this.sourceNat = saved.source_nat;
    for (const [owner, services] of Object.entries(saved.services)) {
      this.owners.set(owner, services);
      this.unclaimed.add(owner);
    }
  }

  /** What the table kept for an owner from the last run, until the owner sets its services again. */
  restored(owner: string): readonly NatService[] | undefined {
    return this.unclaimed.has(owner) ? this.owners.get(owner) : undefined;
  }

  /**
   * Replaces the owner's services (none: the owner leaves the table) and writes the table. Services the kernel
   * refuses are taken back out, so one owner's error stays its own and the others' writes go on.
   */
  async set(owner: string, services: readonly NatService[]): Promise<void> {
    this.unclaimed.delete(owner);
    const previous = this.owners.get(owner);
    // An owner with nothing, asking for nothing, changes nothing: a weir without kernel services never writes.
    if (previous === undefined && services.length === 0) return this.settled();
    // Unchanged is skipped only once this process has written the table: after a reboot the file is all there is.
    if (this.kernel && JSON.stringify(previous) === JSON.stringify(services)) return this.settled();
    this.put(owner, services);
    try {
      await this.write();
    } catch (error) {
      if (this.owners.get(owner) === services) this.put(owner, previous ?? []);
      throw error;
    }
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
    if (unchanged && (this.kernel || wanted.length === 0)) return this.settled();
    this.sourceNat = wanted;
    try {
      await this.write();
    } catch (error) {
      if (this.sourceNat === wanted) this.sourceNat = previous;
      throw error;
    }
  }

  private put(owner: string, services: readonly NatService[]): void {
    if (services.length === 0) this.owners.delete(owner);
    else this.owners.set(owner, services);
  }

  /** Every owner has had its turn since the restart: what none claimed (load balancers gone since) leaves. */
  dropUnclaimed(): Promise<void> {
    if (this.unclaimed.size === 0) return this.writing.catch(() => {});
    for (const owner of this.unclaimed) this.owners.delete(owner);
    this.unclaimed.clear();
    return this.write();
  }

  /** Resolves when every write asked for so far is done, whatever its outcome. */
  settled(): Promise<void> {
    return this.writing.catch(() => {});
  }

  private write(): Promise<void> {
    const next = this.writing
      .catch(() => {})
      .then(async () => {
        const services = [...this.owners.values()].flat();
        if (!(await this.delta(services))) await this.rewrite(services);
        this.save();
      });
    this.writing = next;
    return next;
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

  /** A failure to save is reported, not thrown: the kernel has the new table either way. */
  private save(): void {
    if (!this.file) return;
    const partial = `${this.file}.partial`;
    try {
      const fd = openSync(partial, 'w', 0o600);
      try {
        const table: SavedTable = { services: Object.fromEntries(this.owners), source_nat: this.sourceNat };
        writeFileSync(fd, JSON.stringify(table));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(partial, this.file);
    } catch (error) {
      console.error(`weir: ${this.file}: ${(error as Error).message}`);
    }
  }
}

/** The table of this process: one kernel, one table, whichever drivers share it. */
export const natTable = new NatTable();
