import { StickTable } from '../persistence/stick-table.ts';
import { STICK_CAPACITY } from '../persistence/stickiness.ts';

/** What became of a proposal: the member the key is stuck to now, and whether that is a change. */
export interface StickVerdict {
  member: string;
  changed: boolean;
}

/**
 * The control process's stick tables, one per pool with persistence, against which workers' proposals are
 * decided: the first of two workers sticking one new client wins, and every change goes to the other workers.
 */
export class StickHub {
  readonly #tables = new Map<string, StickTable>();

  propose(
    poolId: string,
    key: string,
    member: string,
    expected: string | null | undefined,
    idleMs: number,
    now: number,
  ): StickVerdict {
    let table = this.#tables.get(poolId);
    if (table === undefined || table.idleMs !== idleMs) {
      table = new StickTable(STICK_CAPACITY, idleMs);
      this.#tables.set(poolId, table);
    }
    const current = table.peek(key, now);
    if (expected !== undefined && current !== undefined && current !== expected) {
      table.touch(key, now);
      return { member: current, changed: false };
    }
    table.set(key, member, now);
    return { member, changed: current !== member };
  }

  touch(poolId: string, key: string, now: number): void {
    this.#tables.get(poolId)?.touch(key, now);
  }

  /** Every live entry, by pool, oldest first: what a worker started anew is given. */
  *entries(now: number): Generator<[string, [string, string][]]> {
    for (const [poolId, table] of this.#tables) {
      const entries = [...table.live(now)];
      if (entries.length > 0) yield [poolId, entries];
    }
  }

  /** Tables of pools no load balancer has any more go. */
  retain(poolIds: ReadonlySet<string>): void {
    for (const id of this.#tables.keys()) if (!poolIds.has(id)) this.#tables.delete(id);
  }
}
