import { readFileSync } from 'node:fs';
import { writeFileDurably } from './durable-file.ts';
import type { CounterValue } from './nat-counters.ts';
import { runNft } from './nft-command.ts';

/**
 * One nftables table shared by owners (load balancers, drivers): each owner sets its services, and every change
 * rewrites the table whole, in order, as `render` writes it. What it holds is kept in a file, so that after a
 * restart the services of owners not back yet stay in the kernel; the table is never taken down while weir stops.
 * (The `inet weir` table of NatTable follows the same rules and can become one of these.)
 */
export class OwnedTable<S> {
  private readonly owners = new Map<string, readonly S[]>();
  /** Owners restored from the last run that have not set their services again since. */
  private readonly unclaimed = new Set<string>();
  private file: string | null = null;
  /** The kernel holds what `owners` says: this process has written the table. */
  private written = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly render: (services: readonly S[], carried: ReadonlyMap<string, CounterValue>) => string,
    private readonly counters: () => Promise<ReadonlyMap<string, CounterValue>>,
    private readonly apply: (script: string) => Promise<void> = runNft,
  ) {}

  /** Keeps what the table holds in `file` and starts from what it held. */
  restoreFrom(file: string): void {
    this.file = file;
    let saved: Record<string, S[]>;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, S[]>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const [owner, services] of Object.entries(saved)) {
      this.owners.set(owner, services);
      this.unclaimed.add(owner);
    }
  }

  /** Replaces the owner's services (none: the owner leaves) and writes the table; a refused write is taken back. */
  async set(owner: string, services: readonly S[]): Promise<void> {
    this.unclaimed.delete(owner);
    const previous = this.owners.get(owner);
    if (previous === undefined && services.length === 0) return this.settled();
    if (this.written && JSON.stringify(previous) === JSON.stringify(services)) return this.settled();
    this.put(owner, services);
    try {
      await this.write();
    } catch (error) {
      if (this.owners.get(owner) === services) this.put(owner, previous ?? []);
      throw error;
    }
  }

  private put(owner: string, services: readonly S[]): void {
    if (services.length === 0) this.owners.delete(owner);
    else this.owners.set(owner, services);
  }

  /** Every load balancer has been applied since the restart: what none claimed leaves. */
  dropUnclaimed(): Promise<void> {
    if (this.unclaimed.size === 0) return this.settled();
    for (const owner of this.unclaimed) this.owners.delete(owner);
    this.unclaimed.clear();
    return this.write();
  }

  /** Resolves when every write asked for so far is done, whatever its outcome. */
  settled(): Promise<void> {
    return this.writing.catch(() => {});
  }

  private write(): Promise<void> {
    const rewrite = async () => {
      await this.apply(this.render([...this.owners.values()].flat(), await this.counters()));
      this.written = true;
      if (this.file) writeFileDurably(this.file, JSON.stringify(Object.fromEntries(this.owners)));
    };
    const next = this.settled().then(rewrite);
    this.writing = next;
    return next;
  }
}
