import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dnsSpec } from '../../../test/support/dns-spec.ts';
import { member } from '../../../test/support/kernel-spec.ts';
import type { AnswerPolicy } from './answer-policy.ts';
import { hostNameRecords, isHostLabel, memberHostNames, memberLabels } from './member-host-names.ts';

const POLICY: AnswerPolicy = { maxRecords: 8, minTtl: 5, maxTtl: 60, allDown: 'answer_all', fallback: [] };
const ID = '3f1c7a52-8d2e-4b9a-9c61-0a7e5b2d4f10';

test('host labels: letters, digits and hyphens, 1 to 63 of them, no hyphen at either end', () => {
  for (const label of ['web1', 'Web-1', 'a', ID, 'x'.repeat(63)]) assert.ok(isHostLabel(label), label);
  for (const label of ['', '-web', 'web-', 'web_1', 'web.1', 'x'.repeat(64), 'wéb']) {
    assert.ok(!isHostLabel(label), label);
  }
});

test("a member's label is its name, lower case, when a label no other member has as name or id; else its id", () => {
  const lb = dnsSpec([
    member('m1', '192.0.2.1', { name: 'Web1' }),
    member('m2', '192.0.2.2', { name: 'mail' }),
    member('m3', '192.0.2.3', { name: 'MAIL' }),
    member('m4', '192.0.2.4', { name: 'not a label' }),
    member('m5', '192.0.2.5', { name: 'm6' }),
    member('m6', '192.0.2.6', { name: '' }),
    member(ID, '192.0.2.7', { name: 'off', adminStateUp: false }),
    member('m8', '192.0.2.8', { name: 'OFF' }),
  ]);
  assert.deepEqual(Object.fromEntries(memberLabels(lb)), {
    m1: 'web1',
    m2: 'm2',
    m3: 'm3',
    m4: 'm4',
    m5: 'm5',
    m6: 'm6',
    [ID]: ID,
    m8: 'm8',
  });
});

test('every member that may be answered has a host name answering its address, whatever its weight or health', () => {
  const lb = dnsSpec([
    member('m1', '192.0.2.1', { name: 'web1' }),
    member('m2', '2001:db8::2', { name: 'web2', weight: 0 }),
    member('m3', '192.0.2.3', { name: 'web3', adminStateUp: false }),
  ]);
  const hostNames = memberHostNames(lb);
  assert.deepEqual(Object.fromEntries(hostNames), {
    m1: 'web1.www.lb.example.org',
    m2: 'web2.www.lb.example.org',
  });
  const records = hostNameRecords(lb, hostNames, POLICY);
  const shown = [...records].map(([name, set]) =>
    Object.entries(set).map(([type, s]) => {
      const { ttl, data } = s.records[0] as { ttl: number; data: string };
      return `${name} ${ttl} ${type} ${data}`;
    }),
  );
  assert.deepEqual(shown.flat(), [
    'web1.www.lb.example.org 60 A 192.0.2.1',
    'web2.www.lb.example.org 60 AAAA 2001:db8::2',
  ]);
});

test('no host names while the pool, its listeners or the load balancer are admin down, nor past 253 characters', () => {
  const members = [member('m1', '192.0.2.1', { name: 'web1' })];
  assert.equal(memberHostNames(dnsSpec(members, [{}], { adminStateUp: false })).size, 0);
  assert.equal(memberHostNames(dnsSpec(members, [{ adminStateUp: false }])).size, 0);
  assert.equal(memberHostNames({ ...dnsSpec(members), adminStateUp: false }).size, 0);
  assert.equal(memberHostNames(dnsSpec(members, [])).size, 0, 'a pool no listener answers with');
  const long = `${'x'.repeat(62)}.${'y'.repeat(62)}.${'z'.repeat(62)}.${'w'.repeat(60)}`;
  assert.equal(memberHostNames({ ...dnsSpec(members), name: long }).size, 0);
});
