import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { inTempDir } from '../../../test/support/temp-dir.ts';
import * as objects from '../migrations/001-objects.ts';
import type { CommitEvent } from '../state-store.ts';
import { SqliteStore } from './sqlite-store.ts';

test('a commit reports each object it changed, before and after', async () => {
  const store = await SqliteStore.open(':memory:');
  const events: CommitEvent[] = [];
  store.onCommit((event) => events.push(event));
  const lb = { id: 'lb1', project_id: 'p1', name: 'a' };
  const pool = { id: 'pool1', project_id: 'p1', loadbalancer_id: 'lb1', name: 'p' };

  await store.transaction(async (w) => {
    await w.insert('loadbalancer', lb);
    await w.insert('pool', pool);
  });
  await store.transaction(async (w) => {
    const changed = { ...lb, name: 'b' };
    await w.update('loadbalancer', changed);
    changed.name = 'not stored'; // the event reports what was written, not the caller's object
    await w.update('loadbalancer', { ...lb, name: 'c' });
    await w.delete('pool', 'pool1');
  });
  await store.transaction(async (w) => {
    await w.insert('member', { id: 'm1', project_id: 'p1', loadbalancer_id: 'lb1', pool_id: 'pool1' });
    await w.delete('member', 'm1');
    await w.update('pool', { id: 'missing', loadbalancer_id: 'lb1' }); // no such row: no change
  });
  await assert.rejects(
    store.transaction(async (w) => {
      await w.delete('loadbalancer', 'lb1');
      throw new Error('rolled back');
    }),
  );
  await store.close();

  assert.deepEqual(
    events.map((event) => event.changes),
    [
      [
        { kind: 'loadbalancer', id: 'lb1', projectId: 'p1', before: null, after: lb },
        { kind: 'pool', id: 'pool1', projectId: 'p1', before: null, after: pool },
      ],
      [
        { kind: 'loadbalancer', id: 'lb1', projectId: 'p1', before: lb, after: { ...lb, name: 'c' } },
        { kind: 'pool', id: 'pool1', projectId: 'p1', before: pool, after: null },
      ],
      // inserted and deleted in one transaction: nothing changed, but the load balancer is still looked at
      [],
    ],
  );
  assert.deepEqual([...events[2]!.loadbalancerIds], ['lb1']);
});

test('each commit that changed an object bumps the revision by one; reads, no-ops and rollbacks do not', async () => {
  const store = await SqliteStore.open(':memory:');
  const events: CommitEvent[] = [];
  store.onCommit((event) => events.push(event));
  assert.equal(await store.revision(), 0);

  await store.transaction((w) => w.insert('loadbalancer', { id: 'lb1', project_id: 'p1' }));
  assert.equal(await store.revision(), 1);
  await store.transaction((w) => w.get('loadbalancer', 'lb1'));
  await store.transaction((w) => w.update('pool', { id: 'missing' }));
  await store.transaction(async (w) => {
    await w.insert('listener', { id: 'l1', loadbalancer_id: 'lb1' });
    await w.delete('listener', 'l1');
  });
  await assert.rejects(
    store.transaction(async (w) => {
      await w.delete('loadbalancer', 'lb1');
      throw new Error('rolled back');
    }),
  );
  assert.equal(await store.revision(), 1);
  await store.transaction((w) => w.update('loadbalancer', { id: 'lb1', project_id: 'p1', name: 'b' }));
  assert.equal(await store.revision(), 2);
  await store.close();

  // The insert-then-delete commit is reported, with the revision it left as it was.
  assert.deepEqual(
    events.map((event) => [event.changes.length, event.revision]),
    [
      [1, 1],
      [0, 1],
      [1, 2],
    ],
  );
});

/** Runs `body` with the path of a database file in a directory of its own, removed after. */
const withDatabaseFile = (body: (path: string) => Promise<void>) =>
  inTempDir('weir-store-', (dir) => body(join(dir, 'weir.db')));

/** Opens the store at `path`, finds it at `revision`, and sees the next change counted on from there. */
async function reopensAt(path: string, revision: number): Promise<void> {
  const store = await SqliteStore.open(path);
  assert.equal(await store.revision(), revision);
  await store.transaction((w) => w.insert('loadbalancer', { id: 'next' }));
  assert.equal(await store.revision(), revision + 1);
  await store.close();
}

test('the revision is kept on disk with the objects', () =>
  withDatabaseFile(async (path) => {
    const first = await SqliteStore.open(path);
    await first.transaction((w) => w.insert('loadbalancer', { id: 'lb1' }));
    await first.transaction((w) => w.delete('loadbalancer', 'lb1'));
    await first.close();
    await reopensAt(path, 2);
  }));

test('a store from before the revision starts at 0 and counts on from there', () =>
  withDatabaseFile(async (path) => {
    const old = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(path) }) });
    const provider = { getMigrations: async () => ({ '001-objects': objects }) };
    assert.equal((await new Migrator({ db: old, provider }).migrateToLatest()).error, undefined);
    await old.destroy();
    await reopensAt(path, 0);
  }));

test('transactions started together each get a revision of their own, one after another', async () => {
  const store = await SqliteStore.open(':memory:');
  const revisions: number[] = [];
  store.onCommit((event) => revisions.push(event.revision));
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      store.transaction(async (w) => {
        // Reads before the write, so transactions would interleave if the store let them.
        await w.count('member');
        await w.insert('member', { id: `m${i}` });
      }),
    ),
  );
  assert.equal(await store.revision(), 20);
  await store.close();
  assert.deepEqual(
    revisions,
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
});
