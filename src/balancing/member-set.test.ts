import assert from 'node:assert/strict';
import { test } from 'node:test';
import { member } from '../../test/support/balancing.ts';
import { MemberSet } from './member-set.ts';

const ids = (targets: readonly { id: string }[]) => targets.map((t) => t.id);

test('the snapshot holds the serving tier with weight > 0 and which of it is eligible', () => {
  const set = new MemberSet();
  assert.ok(
    set.update([
      member('a'),
      member('b', { adminStateUp: false }),
      member('drained', { weight: 0 }),
      member('spare', { backup: true }),
    ]),
  );
  const { backup, tier, eligible, active } = set.snapshot;
  assert.equal(backup, false);
  assert.deepEqual(ids(tier), ['a', 'b']);
  assert.deepEqual(eligible, [true, false]);
  assert.deepEqual(ids(active), ['a']);
  assert.ok(Object.isFrozen(set.snapshot) && Object.isFrozen(active));
  assert.ok(set.setUp('a', false));
  assert.deepEqual(set.snapshot.backup, true);
  assert.deepEqual(ids(set.snapshot.active), ['spare']);
});

test('only events that change who may be picked produce a new snapshot', () => {
  const set = new MemberSet();
  const list = [member('a'), member('b'), member('drained', { weight: 0 }), member('spare', { backup: true })];
  set.update(list);
  const first = set.snapshot;
  assert.equal(set.setUp('spare', false), false, 'a backup while regulars serve');
  assert.equal(set.setUp('drained', false), false, 'a drained member');
  assert.equal(set.setUp('a', true), false, 'no transition');
  assert.equal(set.setUp('unknown', false), false, 'a member the configuration does not have');
  assert.equal(set.update([...list]), false, 'the same members again');
  assert.equal(set.snapshot, first);
  assert.equal(set.setUp('b', false), true);
  assert.notEqual(set.snapshot, first);
  assert.equal(set.update(list.map((m) => ({ ...m }))), true, 'new objects must reach the callers of pick');
});
