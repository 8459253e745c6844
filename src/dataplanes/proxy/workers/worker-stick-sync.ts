import type { StickSync } from '../persistence/stick-sync.ts';
import type { StickTable } from '../persistence/stick-table.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';

/** A worker's side of the shared stick tables: proposals and touches go to the control process, its answers come in. */
export class WorkerStickSync implements StickSync {
  readonly #tables = new Map<string, StickTable>();

  constructor(private readonly send: (message: FromWorker) => void) {}

  propose(poolId: string, key: string, member: string, expected: string | null | undefined, idleMs: number): void {
    this.send({ t: 'stick', pool: poolId, key, member, expected, idleMs });
  }

  touch(poolId: string, key: string, idleMs: number): void {
    this.send({ t: 'touch', pool: poolId, key, idleMs });
  }

  attach(poolId: string, table: StickTable): void {
    this.#tables.set(poolId, table);
  }

  detach(poolId: string, table: StickTable): void {
    if (this.#tables.get(poolId) === table) this.#tables.delete(poolId);
  }

  /** Entries from the control process (worker-messages.ts). */
  stuck(message: Extract<ToWorker, { t: 'stuck' }>): void {
    const table = this.#tables.get(message.pool);
    const now = Date.now();
    for (const [key, member] of message.entries) table?.set(key, member, now);
  }
}
