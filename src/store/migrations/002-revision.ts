import { type Kysely, sql } from 'kysely';

/** The store's revision (revision-table.ts) in a table of one row; a store from before it starts at 0. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('revision')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into revision (id, revision) values (1, 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('revision').execute();
}
