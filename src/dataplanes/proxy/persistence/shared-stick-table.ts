import type { StickSync } from './stick-sync.ts';
import { StickTable } from './stick-table.ts';

/** One pool's stick table in this process, its changes told to the other workers when there are any. */
export class SharedStickTable {
  readonly #table: StickTable;
  /** How often a key in use is touched at the control process: often enough that it never expires there first. */
  readonly #reportMs: number;

  constructor(
    private readonly poolId: string,
    capacity: number,
    idleMs: number,
    private readonly sync: StickSync | null,
  ) {
    this.#table = new StickTable(capacity, idleMs);
    this.#reportMs = idleMs / 4;
    sync?.attach(poolId, this.#table);
  }

  lookup(key: string): string | undefined {
    const now = Date.now();
    const entry = this.#table.hit(key, now);
    if (entry === undefined) return undefined;
    if (this.sync !== null && now - entry.reported >= this.#reportMs) {
      entry.reported = now;
      this.sync.touch(this.poolId, key, this.#table.idleMs);
    }
    return entry.member;
  }

  /** The member without counting a use. */
  peek(key: string): string | undefined {
    return this.#table.peek(key, Date.now());
  }

  /** See StickSync.propose for `expected`. */
  stick(key: string, member: string, expected: string | null | undefined): void {
    this.#table.set(key, member, Date.now());
    this.sync?.propose(this.poolId, key, member, expected, this.#table.idleMs);
  }

  close(): void {
    this.sync?.detach(this.poolId, this.#table);
  }
}
