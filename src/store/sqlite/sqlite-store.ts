import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrations } from '../migrations/index.ts';
import { type Database, ObjectTable } from '../object-table.ts';
import { bumpRevision, readRevision } from '../revision-table.ts';
import type { CommitEvent, StateStore, StoreReader, StoreWriter } from '../state-store.ts';

/**
 * The embedded store. WAL with synchronous=FULL: a transaction that returned is on disk, so an object the API
 * accepted survives kill -9 and power loss alike. Kysely's SQLite driver holds one connection behind a mutex,
 * which serialises transactions: checks made inside one (quotas, 409s) cannot race.
 */
export class SqliteStore implements StateStore {
  private readonly listeners = new Set<(event: CommitEvent) => void>();

  private constructor(private readonly db: Kysely<Database>) {}

  static async open(path: string): Promise<SqliteStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const { error } = await new Migrator({ db, provider: migrations }).migrateToLatest();
    if (error) {
      await db.destroy();
      throw error;
    }
    return new SqliteStore(db);
  }

  read<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T> {
    return fn(new ObjectTable(this.db));
  }

  async transaction<T>(fn: (writer: StoreWriter) => Promise<T>): Promise<T> {
    let event: CommitEvent | undefined;
    const result = await this.db.transaction().execute(async (trx) => {
      const table = new ObjectTable(trx);
      const value = await fn(table);
      const { changes, touchedLoadBalancers } = table;
      if (changes.length > 0 || touchedLoadBalancers.size > 0) {
        // Bumped inside the transaction: the revision and the change it counts commit or roll back together.
        const revision = changes.length > 0 ? await bumpRevision(trx) : await readRevision(trx);
        event = { loadbalancerIds: touchedLoadBalancers, changes, revision };
      }
      return value;
    });
    if (event) for (const listener of this.listeners) listener(event);
    return result;
  }

  onCommit(listener: (event: CommitEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  revision(): Promise<number> {
    return readRevision(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
