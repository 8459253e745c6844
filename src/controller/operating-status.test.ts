import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredTree } from '../store/load-balancer-tree.ts';
import type { StoredObject } from '../store/state-store.ts';
import { type MemberHealth, operatingStatuses } from './operating-status.ts';

const object = (id: string, fields: Record<string, unknown> = {}): StoredObject => ({
  id,
  provisioning_status: 'ACTIVE',
  admin_state_up: true,
  ...fields,
});

function tree(members: StoredObject[]): StoredTree {
  return {
    loadbalancer: object('lb'),
    listeners: [object('listener', { default_pool_id: 'pool' })],
    pools: [object('pool')],
    members,
    healthmonitors: [object('hm', { pool_id: 'pool' })],
    l7policies: [],
    l7rules: [],
  };
}

const member = (id: string, stored: string, weight = 1) =>
  object(id, { pool_id: 'pool', operating_status: stored, weight });

test('a member not checked yet keeps the verdict it had before a restart, or is OFFLINE if it never had one', () => {
  const statuses = operatingStatuses(
    tree([member('down', 'ERROR'), member('up', 'ONLINE'), member('drained', 'ONLINE', 0), member('new', 'OFFLINE')]),
    (): MemberHealth => 'UNKNOWN',
  );
  assert.equal(statuses.get('down'), 'ERROR');
  assert.equal(statuses.get('up'), 'ONLINE');
  assert.equal(statuses.get('drained'), 'DRAINING');
  assert.equal(statuses.get('new'), 'OFFLINE');
  assert.equal(statuses.get('pool'), 'DEGRADED');
});

test("a checked member's result replaces what was stored", () => {
  const results: Record<string, MemberHealth> = { down: 'UP', up: 'DOWN' };
  const statuses = operatingStatuses(tree([member('down', 'ERROR'), member('up', 'ONLINE')]), (id) => results[id]);
  assert.equal(statuses.get('down'), 'ONLINE');
  assert.equal(statuses.get('up'), 'ERROR');
});
