import assert from 'node:assert/strict';
import { test } from 'node:test';
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
