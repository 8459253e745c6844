import type { Migration, MigrationProvider } from 'kysely';
import * as objects from './001-objects.ts';
import * as revision from './002-revision.ts';
import * as secretPayloads from './003-secret-payloads.ts';

/** Migrations are compiled in, so a built weir needs no migration folder at run time. */
export const migrations: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => ({
    '001-objects': objects,
    '002-revision': revision,
    '003-secret-payloads': secretPayloads,
  }),
};
