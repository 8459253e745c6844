import type { Kysely, Transaction } from 'kysely';
import type { Database } from './object-table.ts';

/** The one row holding the store's revision. */
export interface RevisionRow {
  id: number;
  revision: number;
}

type Queries = Kysely<Database> | Transaction<Database>;

/** The store's revision: how many committed transactions changed an object. */
export async function readRevision(db: Queries): Promise<number> {
  const row = await db.selectFrom('revision').select('revision').executeTakeFirstOrThrow();
  return Number(row.revision);
}

/** Counts one more changing transaction; called inside it, so the count and the change commit together. */
export async function bumpRevision(trx: Transaction<Database>): Promise<number> {
  const row = await trx
    .updateTable('revision')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .returning('revision')
    .executeTakeFirstOrThrow();
  return Number(row.revision);
}
