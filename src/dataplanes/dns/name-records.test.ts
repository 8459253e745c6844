import assert from 'node:assert/strict';
import { test } from 'node:test';
import { monitor } from '../../../test/support/dns-spec.ts';
import { member, spec } from '../../../test/support/kernel-spec.ts';
import type { AnswerSet } from '../../dns/answer-set.ts';
import type { AnswerPolicy } from './answer-policy.ts';
import { nameRecords } from './name-records.ts';

const POLICY: AnswerPolicy = { maxRecords: 8, minTtl: 5, maxTtl: 60, allDown: 'answer_all', fallback: [] };
const NOBODY_DOWN = new Set<string>();

/** Each record as `ttl address`, with the set's order and weights. */
const shown = (set: AnswerSet | undefined) =>
  set && {
    records: set.records.map((r) => {
      const { ttl, data } = r as { ttl: number; data: string };
      return `${ttl} ${data}`;
    }),
    order: set.order,
    weights: set.weights,
    ...(set.servfail && { servfail: true }),
  };

test('members of default pools answer by family, each address once, weighted, at most maxRecords of them', () => {
  const lb = spec([
    member('m1', '192.0.2.1', { weight: 3 }),
    member('m2', '2001:db8::2'),
    member('m3', '192.0.2.1', { port: 81 }),
    member('m4', '192.0.2.4'),
  ]);
  const records = nameRecords(lb, NOBODY_DOWN, POLICY);
  assert.deepEqual(shown(records.A), { records: ['60 192.0.2.1', '60 192.0.2.4'], order: 'weighted', weights: [3, 1] });
  assert.deepEqual(shown(records.AAAA), { records: ['60 2001:db8::2'], order: 'weighted', weights: [1] });
  assert.equal(records.A?.limit, 8);
});

test('SOURCE_IP pools answer in a sticky order; members of weight 0 and admin down are left out', () => {
  const lb = spec(
    [
      member('m1', '192.0.2.1', { weight: 0 }),
      member('m2', '192.0.2.2', { adminStateUp: false }),
      member('m3', '192.0.2.3'),
    ],
    { algorithm: 'SOURCE_IP' },
  );
  assert.deepEqual(shown(nameRecords(lb, NOBODY_DOWN, POLICY).A), {
    records: ['60 192.0.2.3'],
    order: 'sticky',
    weights: [1],
  });
});

test('no records of a family without members, and none at all while the pool or load balancer is admin down', () => {
  assert.deepEqual(nameRecords(spec([member('m1', '192.0.2.1')], { adminStateUp: false }), NOBODY_DOWN, POLICY), {});
  assert.deepEqual(nameRecords({ ...spec([member('m1', '192.0.2.1')]), adminStateUp: false }, NOBODY_DOWN, POLICY), {});
  assert.equal(nameRecords(spec([member('m1', '192.0.2.1')]), NOBODY_DOWN, POLICY).AAAA, undefined);
});

test('found-down members leave; backups answer when every regular member is down, at half the TTL', () => {
  const lb = spec([member('m1', '192.0.2.1'), member('m2', '192.0.2.2'), member('b1', '192.0.2.9', { backup: true })], {
    healthMonitor: monitor({ delaySeconds: 10, maxRetriesDown: 3, maxRetries: 2 }),
  });
  assert.deepEqual(
    shown(nameRecords(lb, new Set(['m1']), POLICY).A)?.records,
    ['20 192.0.2.2'],
    'm1 rises in 2 x 10 s',
  );
  assert.deepEqual(shown(nameRecords(lb, NOBODY_DOWN, POLICY).A)?.records, ['30 192.0.2.1', '30 192.0.2.2']);
  assert.deepEqual(shown(nameRecords(lb, new Set(['m1', 'm2']), POLICY).A)?.records, ['10 192.0.2.9']);
});

test('the TTL is clamped to the policy: the maximum without a monitor, the minimum for quick ones', () => {
  const quick = spec([member('m1', '192.0.2.1')], { healthMonitor: monitor({ delaySeconds: 1, maxRetriesDown: 1 }) });
  assert.deepEqual(shown(nameRecords(quick, NOBODY_DOWN, POLICY).A)?.records, ['5 192.0.2.1']);
  const off = spec([member('m1', '192.0.2.1')], { healthMonitor: monitor({ adminStateUp: false, delaySeconds: 1 }) });
  assert.deepEqual(shown(nameRecords(off, NOBODY_DOWN, POLICY).A)?.records, ['60 192.0.2.1']);
});

test('all down: every member at the minimum TTL, the fallback addresses of the family, or SERVFAIL', () => {
  const lb = spec([member('m1', '192.0.2.1'), member('m2', '192.0.2.2', { weight: 2 }), member('m3', '2001:db8::3')]);
  const allDown = new Set(['m1', 'm2', 'm3']);
  assert.deepEqual(shown(nameRecords(lb, allDown, POLICY).A), {
    records: ['5 192.0.2.1', '5 192.0.2.2'],
    order: 'weighted',
    weights: [1, 2],
  });
  const fallback: AnswerPolicy = { ...POLICY, allDown: 'fallback', fallback: ['198.51.100.1'] };
  assert.deepEqual(shown(nameRecords(lb, allDown, fallback).A), {
    records: ['5 198.51.100.1'],
    order: 'as-listed',
    weights: [1],
  });
  assert.equal(nameRecords(lb, allDown, fallback).AAAA, undefined, 'no IPv6 fallback: NODATA');
  assert.equal(nameRecords(lb, allDown, { ...POLICY, allDown: 'servfail' }).A?.servfail, true);
  assert.equal(nameRecords(lb, new Set(['m1', 'm2']), { ...POLICY, allDown: 'servfail' }).AAAA?.servfail, false);
});

test('an address shared by members is answered while any of them may be: the first drained or down does not hide it', () => {
  const lb = spec([
    member('a80', '192.0.2.1', { weight: 0 }),
    member('a443', '192.0.2.1', { port: 443, weight: 2 }),
    member('b', '192.0.2.2'),
  ]);
  assert.deepEqual(shown(nameRecords(lb, NOBODY_DOWN, POLICY).A)?.records, ['60 192.0.2.1', '60 192.0.2.2']);
  const upAndDown = spec([member('a80', '192.0.2.1'), member('a443', '192.0.2.1', { port: 443 })]);
  assert.deepEqual(shown(nameRecords(upAndDown, new Set(['a80']), POLICY).A)?.records, ['60 192.0.2.1']);
});

test('SOURCE_IP stays sticky when every member is down and all are answered', () => {
  const lb = spec([member('m1', '192.0.2.1'), member('m2', '192.0.2.2')], { algorithm: 'SOURCE_IP' });
  assert.equal(nameRecords(lb, new Set(['m1', 'm2']), POLICY).A?.order, 'sticky');
});
