import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Answer } from 'dns-packet';
import { answerSet } from './answer-set.ts';
import { PublishedRecords } from './published-records.ts';

const a = (address: string): Answer => ({ name: 'x', type: 'A', ttl: 60, data: address });

test('a published name answers its records, and NODATA for types it has none of', () => {
  const published = new PublishedRecords();
  published.publish('www.a.lb.example.org', { A: answerSet([a('192.0.2.1')]) });
  assert.deepEqual(published.lookup('www.a.lb.example.org', 'A')?.records, [a('192.0.2.1')]);
  assert.deepEqual(published.lookup('www.a.lb.example.org', 'AAAA')?.records, []);
  assert.deepEqual(published.lookup('www.a.lb.example.org', 'MX')?.records, []);
});

test('a name above a published one exists without records (NODATA) until the last name below it is withdrawn', () => {
  const published = new PublishedRecords();
  published.publish('www.a.lb.example.org', { A: answerSet([a('192.0.2.1')]) });
  published.publish('api.a.lb.example.org', { A: answerSet([a('192.0.2.2')]) });
  published.publish('api.a.lb.example.org', { A: answerSet([a('192.0.2.3')]) });
  assert.deepEqual(published.lookup('a.lb.example.org', 'A')?.records, []);
  assert.equal(published.lookup('b.lb.example.org', 'A'), undefined);
  published.withdraw('www.a.lb.example.org');
  assert.deepEqual(published.lookup('a.lb.example.org', 'A')?.records, [], 'api.a is still below it');
  published.withdraw('api.a.lb.example.org');
  published.withdraw('api.a.lb.example.org');
  assert.equal(published.lookup('a.lb.example.org', 'A'), undefined);
  assert.equal(published.lookup('www.a.lb.example.org', 'A'), undefined);
});
