import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Answer } from 'dns-packet';
import { chiSquare } from '../../test/support/chi-square.ts';
import { SeededRandom } from '../../test/support/seeded-random.ts';
import { answerOrder } from './answer-order.ts';
import { type AnswerOrder, answerSet } from './answer-set.ts';

const a = (last: number): Answer => ({ name: '', type: 'A', ttl: 30, data: `192.0.2.${last}` });
const WEIGHTS = [1, 2, 3, 4];
const set = (order: AnswerOrder, weights = WEIGHTS, limit = 8) =>
  answerSet(
    weights.map((_, i) => a(i + 1)),
    { weights, order, limit },
  );
const firsts = (counts: number[], indexes: number[]) => {
  counts[indexes[0]!]! += 1;
};

test('weighted: each query a shuffle in which a record comes first in proportion to its weight (chi-square, 10,000 answers)', () => {
  const random = new SeededRandom(20261128);
  const counts = WEIGHTS.map(() => 0);
  for (let i = 0; i < 10_000; i++) {
    const order = answerOrder(set('weighted'), 0, () => random.next());
    assert.deepEqual([...order].sort(), [0, 1, 2, 3], 'every record, once');
    firsts(counts, order);
  }
  const { statistic, fits } = chiSquare(counts, WEIGHTS);
  assert.ok(fits, `first records ${counts} against weights ${WEIGHTS}: chi-square ${statistic.toFixed(2)}`);
});

test('sticky: the same client always gets the same order; over clients the first record follows the weights', () => {
  const counts = WEIGHTS.map(() => 0);
  for (let client = 0; client < 10_000; client++) {
    const key = Math.imul(client, 0x9e3779b1) >>> 0;
    const order = answerOrder(set('sticky'), key);
    assert.deepEqual(answerOrder(set('sticky'), key), order);
    firsts(counts, order);
  }
  const { statistic, fits } = chiSquare(counts, WEIGHTS);
  assert.ok(fits, `first records ${counts} against weights ${WEIGHTS}: chi-square ${statistic.toFixed(2)}`);
});

test('sticky: a record that leaves moves only the clients it had first (rendezvous)', () => {
  const all = set('sticky', [1, 1, 1, 1]);
  const three = answerSet(all.records.slice(0, 3), { weights: [1, 1, 1], order: 'sticky' });
  let moved = 0;
  for (let client = 0; client < 2_000; client++) {
    const key = Math.imul(client + 7, 0x85ebca6b) >>> 0;
    const before = answerOrder(all, key)[0]!;
    const after = answerOrder(three, key)[0]!;
    if (before === 3) continue;
    if (after !== before) moved++;
  }
  assert.equal(moved, 0);
});

test('at most limit records; as-listed keeps the order', () => {
  assert.equal(answerOrder(set('weighted', WEIGHTS, 2), 0).length, 2);
  assert.equal(answerOrder(set('sticky', WEIGHTS, 3), 5).length, 3);
  assert.deepEqual(answerOrder(set('as-listed', WEIGHTS, 3), 0), [0, 1, 2]);
});

test('sticky: the order follows the records, not their TTL, which follows health', () => {
  const at = (ttl: number) =>
    answerSet(
      WEIGHTS.map((_, i) => ({ ...a(i + 1), ttl })),
      { weights: WEIGHTS, order: 'sticky' },
    );
  for (let client = 0; client < 200; client++) {
    const key = Math.imul(client + 3, 0x27d4eb2f) >>> 0;
    assert.deepEqual(answerOrder(at(5), key), answerOrder(at(60), key));
  }
});
