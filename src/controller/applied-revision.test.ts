import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppliedRevision } from './applied-revision.ts';

test('with nothing to apply, the applied revision is the desired one', () => {
  const revisions = new AppliedRevision();
  assert.deepEqual([revisions.desired, revisions.applied], [0, 0]);
  revisions.committed(3, []);
  assert.deepEqual([revisions.desired, revisions.applied], [3, 3]);
});

test('a change is applied once a run that read the store at or after its revision succeeds', () => {
  const revisions = new AppliedRevision();
  revisions.committed(4, ['a']);
  assert.deepEqual([revisions.desired, revisions.applied], [4, 3]);
  revisions.reconciled('a', 3);
  assert.equal(revisions.applied, 3, 'a run that read revision 3 has not seen the change of revision 4');
  revisions.reconciled('a', 4);
  assert.equal(revisions.applied, 4);
});

test('the oldest unapplied change of any load balancer holds the applied revision back', () => {
  const revisions = new AppliedRevision();
  revisions.committed(5, ['a']);
  revisions.committed(6, ['b']);
  revisions.committed(7, ['a']);
  assert.equal(revisions.applied, 4);
  revisions.reconciled('a', 6);
  assert.equal(revisions.applied, 5, "b's change of revision 6 is still out, and a's of 7");
  revisions.reconciled('b', 6);
  assert.equal(revisions.applied, 6, "a's change of revision 7 is still out");
  revisions.reconciled('a', 7);
  assert.deepEqual([revisions.desired, revisions.applied], [7, 7]);
});

test('at start every load balancer may hold changes of any revision, so nothing is applied until its first run', () => {
  const revisions = new AppliedRevision();
  revisions.committed(9, ['a', 'b'], 1);
  assert.deepEqual([revisions.desired, revisions.applied], [9, 0]);
  revisions.reconciled('a', 9);
  assert.equal(revisions.applied, 0);
  revisions.reconciled('b', 9);
  assert.equal(revisions.applied, 9);
});

test('a load balancer that is never reconciled keeps the applied revision where it was', () => {
  const revisions = new AppliedRevision();
  revisions.committed(2, ['stuck']);
  for (let revision = 3; revision <= 10; revision++) {
    revisions.committed(revision, ['busy']);
    revisions.reconciled('busy', revision);
  }
  assert.deepEqual([revisions.desired, revisions.applied], [10, 1]);
});
