import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReconcileReports } from './reconcile-reports.ts';

test("an object's error stays until a later run settles it ACTIVE or deletes it; a failed run without pending objects keeps them", () => {
  const reports = new ReconcileReports();
  assert.equal(reports.of('lb1'), undefined);
  reports.ran('lb1', {
    at: 10,
    result: 'failed',
    reason: 'port taken',
    settled: [
      { kind: 'listener', id: 'l1', status: 'ERROR' },
      { kind: 'pool', id: 'p1', status: 'ERROR' },
      { kind: 'loadbalancer', id: 'lb1', status: 'ERROR' },
    ],
  });
  assert.deepEqual(reports.of('lb1'), {
    at: 10,
    result: 'failed',
    reason: 'port taken',
    errors: [
      { kind: 'listener', id: 'l1', at: 10, reason: 'port taken' },
      { kind: 'pool', id: 'p1', at: 10, reason: 'port taken' },
      { kind: 'loadbalancer', id: 'lb1', at: 10, reason: 'port taken' },
    ],
  });

  reports.ran('lb1', { at: 20, result: 'failed', reason: 'still taken', settled: [] });
  assert.deepEqual(
    reports.of('lb1')?.errors.map((e) => [e.id, e.reason]),
    [
      ['l1', 'port taken'],
      ['p1', 'port taken'],
      ['lb1', 'port taken'],
    ],
  );
  assert.equal(reports.of('lb1')?.reason, 'still taken');

  reports.ran('lb1', {
    at: 30,
    result: 'applied',
    reason: null,
    settled: [
      { kind: 'listener', id: 'l1', status: 'DELETED' },
      { kind: 'loadbalancer', id: 'lb1', status: 'ACTIVE' },
    ],
  });
  assert.deepEqual(reports.of('lb1'), {
    at: 30,
    result: 'applied',
    reason: null,
    errors: [{ kind: 'pool', id: 'p1', at: 10, reason: 'port taken' }],
  });
  reports.forget('lb1');
  assert.equal(reports.of('lb1'), undefined);
});
