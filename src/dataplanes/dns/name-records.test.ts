import assert from 'node:assert/strict';
import { test } from 'node:test';
import { member, spec } from '../../../test/support/kernel-spec.ts';
import { nameRecords } from './name-records.ts';

/** Each record as `type ttl address`. */
const addresses = (records: ReturnType<typeof nameRecords>) => {
  const text = (record: object) => {
    const { type, ttl, data } = record as { type: string; ttl: number; data: string };
    return `${type} ${ttl} ${data}`;
  };
  return { A: records.A.map(text), AAAA: records.AAAA.map(text) };
};

test('members of default pools answer by family, each address once, at the given TTL', () => {
  const lb = spec([member('m1', '192.0.2.1'), member('m2', '2001:db8::2'), member('m3', '192.0.2.1', { port: 81 })]);
  assert.deepEqual(addresses(nameRecords(lb, new Set(), 60)), { A: ['A 60 192.0.2.1'], AAAA: ['AAAA 60 2001:db8::2'] });
});

test('members admin down or found down are left out, and all of them when the pool is admin down', () => {
  const lb = spec([
    member('m1', '192.0.2.1', { adminStateUp: false }),
    member('m2', '192.0.2.2'),
    member('m3', '192.0.2.3'),
  ]);
  assert.deepEqual(addresses(nameRecords(lb, new Set(['m3']), 30)), { A: ['A 30 192.0.2.2'], AAAA: [] });
  const poolDown = spec([member('m2', '192.0.2.2')], { adminStateUp: false });
  assert.deepEqual(addresses(nameRecords(poolDown, new Set(), 30)), { A: [], AAAA: [] });
});
