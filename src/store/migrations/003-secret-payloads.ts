import type { Kysely } from 'kysely';

/**
 * Key manager payloads, sealed (src/key-manager/payload-cipher.ts), in a table of their own: the secret's metadata
 * is an object like any other, its payload never enters a commit event, the audit trail or a list.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('secret_payloads')
    .addColumn('secret_id', 'text', (c) => c.primaryKey())
    .addColumn('sealed', 'blob', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('secret_payloads').execute();
}
