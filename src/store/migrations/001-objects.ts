import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('objects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text')
    .addColumn('loadbalancer_id', 'text')
    .addColumn('parent_id', 'text')
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('objects_kind_project').on('objects').columns(['kind', 'project_id']).execute();
  await db.schema.createIndex('objects_loadbalancer').on('objects').column('loadbalancer_id').execute();
  await db.schema.createIndex('objects_parent').on('objects').column('parent_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('objects').execute();
}
