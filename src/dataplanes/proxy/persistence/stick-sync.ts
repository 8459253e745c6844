import type { StickTable } from './stick-table.ts';

/**
 * How one worker's stick entries reach the others, through the control process (workers/stick-hub.ts), which
 * keeps the table every proposal is checked against. Entries are used at once where they are made; the control
 * process sends each change to the other workers, and a proposal it refuses back to the worker that made it.
 */
export interface StickSync {
  /**
   * `key` is now stuck to `member`. `expected`: only if the control process has it stuck to that member (null: to
   * none), so of two workers sticking one new client at once the first wins; undefined: whatever it had.
   */
  propose(poolId: string, key: string, member: string, expected: string | null | undefined, idleMs: number): void;
  /** `key` was used here: the control process keeps it alive. */
  touch(poolId: string, key: string, idleMs: number): void;
  /** The table entries for `poolId` from other workers are written into. */
  attach(poolId: string, table: StickTable): void;
  detach(poolId: string, table: StickTable): void;
}

/** What a pool's persistence needs from its process. */
export interface PersistenceContext {
  /** HMAC key of HTTP_COOKIE's cookies (cookie-key.ts): the same in every worker and across restarts. */
  cookieKey: Buffer;
  /** null: this process is the only one. */
  sync: StickSync | null;
}
