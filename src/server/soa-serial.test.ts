import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { CommitEvent } from '../store/state-store.ts';
import { soaSerial } from './soa-serial.ts';

test('the serial is the revision, follows each changing commit and stays put otherwise', async () => {
  const store = await SqliteStore.open(':memory:');
  await store.transaction((w) => w.insert('loadbalancer', { id: 'lb1' }));
  const serial = await soaSerial(store);
  assert.equal(serial(), 1);
  await store.transaction((w) => w.get('loadbalancer', 'lb1'));
  assert.equal(serial(), 1);
  await store.transaction((w) => w.update('loadbalancer', { id: 'lb1', name: 'a' }));
  assert.equal(serial(), 2);
  await store.close();
});

/** A store whose revision read gives `stored`, after running `whileReading`, and whose commits `commit` reports. */
function fakeStore(stored: number, whileReading = () => {}) {
  let listener: (event: CommitEvent) => void = () => {};
  return {
    onCommit: (l: (event: CommitEvent) => void) => {
      listener = l;
      return () => {};
    },
    revision: async () => {
      whileReading();
      return stored;
    },
    commit: (revision: number) => listener({ loadbalancerIds: new Set(), changes: [], revision }),
  };
}

test('past 2^32 the serial wraps, as RFC 1982 serial arithmetic expects', async () => {
  const store = fakeStore(2 ** 32 - 1);
  const serial = await soaSerial(store);
  assert.equal(serial(), 2 ** 32 - 1);
  store.commit(2 ** 32 + 4);
  assert.equal(serial(), 4);
});

test('a commit seen before the revision is read is not undone by the older read', async () => {
  const store = fakeStore(7, () => store.commit(8));
  assert.equal((await soaSerial(store))(), 8);
});
