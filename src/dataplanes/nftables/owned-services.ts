import { readFileSync } from 'node:fs';
import { writeFileDurably } from './durable-file.ts';

/** A table's services keyed by owner, as they are kept in its file. */
export type ServicesByOwner<S> = Record<string, readonly S[]>;

/**
 * The services of one nftables table's owners (load balancers, drivers), and the writes that put them in the
 * kernel: each owner sets its services and each change is one write, in order, as the subclass writes its table.
 * What the table holds is kept in a file, so that after a restart the services of owners not back yet stay in the
 * kernel; the table is never taken down while weir stops.
 */
export abstract class OwnedServices<S> {
  private readonly owners = new Map<string, readonly S[]>();
  /** Owners restored from the last run that have not set their services again since. */
  private readonly unclaimed = new Set<string>();
  /** What the last run left for each owner, until the owner's first write of this run succeeds. */
  private readonly lastRun = new Map<string, readonly S[]>();
  private file: string | null = null;
  private writing: Promise<void> = Promise.resolve();

  /** Puts every owner's services in the kernel's table; a failure leaves the kernel's table as it was. */
  protected abstract writeTable(services: readonly S[]): Promise<void>;

  /** The kernel holds what this process last wrote, so an owner's unchanged services need no write. */
  protected abstract get current(): boolean;

  /** The owners' services in what the file held (parsed); the plain file is just them. */
  protected fromFile(saved: unknown): ServicesByOwner<S> {
    return saved as ServicesByOwner<S>;
  }

  /** What the file keeps; the plain file is the owners' services alone. */
  protected toFile(services: ServicesByOwner<S>): unknown {
    return services;
  }

  /**
   * Keeps what the table holds in `file` and starts from what it held: after a restart, the services of owners not
   * back yet stay in the table, so forwarding goes on while weir catches up.
   */
  restoreFrom(file: string): void {
    this.file = file;
    let saved: ServicesByOwner<S>;
    try {
      saved = this.fromFile(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const [owner, services] of Object.entries(saved)) {
      this.owners.set(owner, services);
      this.unclaimed.add(owner);
      this.lastRun.set(owner, services);
    }
  }

  /** What the table kept for an owner from the last run, until the owner has written its services in this one. */
  restored(owner: string): readonly S[] | undefined {
    return this.lastRun.get(owner);
  }

  /**
   * Replaces the owner's services (none: the owner leaves the table) and writes the table. Services the kernel
   * refuses are taken back out, so one owner's error stays its own and the others' writes go on.
   */
  async set(owner: string, services: readonly S[]): Promise<void> {
    this.unclaimed.delete(owner);
    const previous = this.owners.get(owner);
    // An owner with nothing, asking for nothing, changes nothing: a weir without kernel services never writes.
    if (previous === undefined && services.length === 0) return this.settled();
    // Unchanged is skipped only once this process has written the table: after a reboot the file is all there is.
    if (this.current && JSON.stringify(previous) === JSON.stringify(services)) return this.settled();
    this.put(owner, services);
    try {
      await this.write();
      this.lastRun.delete(owner);
    } catch (error) {
      if (this.owners.get(owner) === services) this.put(owner, previous ?? []);
      throw error;
    }
  }

  private put(owner: string, services: readonly S[]): void {
    if (services.length === 0) this.owners.delete(owner);
    else this.owners.set(owner, services);
  }

  /** Every owner has had its turn since the restart: what none claimed (load balancers gone since) leaves. */
  dropUnclaimed(): Promise<void> {
    if (this.unclaimed.size === 0) return this.settled();
    for (const owner of this.unclaimed) {
      this.owners.delete(owner);
      this.lastRun.delete(owner);
    }
    this.unclaimed.clear();
    return this.write();
  }

  /** Resolves when every write asked for so far is done, whatever its outcome. */
  settled(): Promise<void> {
    return this.writing.catch(() => {});
  }

  /** Writes the table after the writes asked for before, then keeps what it holds in the file. */
  protected write(): Promise<void> {
    const next = this.settled().then(async () => {
      await this.writeTable([...this.owners.values()].flat());
      if (this.file) writeFileDurably(this.file, JSON.stringify(this.toFile(Object.fromEntries(this.owners))));
    });
    this.writing = next;
    return next;
  }
}
