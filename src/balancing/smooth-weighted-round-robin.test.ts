import assert from 'node:assert/strict';
import { test } from 'node:test';
import { member } from '../../test/support/balancing.ts';
import { SmoothWeightedRoundRobin, smoothTurn } from './smooth-weighted-round-robin.ts';

const sequence = (balancer: SmoothWeightedRoundRobin<ReturnType<typeof member>>, picks: number) =>
  Array.from({ length: picks }, () => balancer.pick()?.id).join('');

test('weights 5,1,1 give nginx’s interleaved sequence a,a,b,a,c,a,a, cycle after cycle', () => {
  const balancer = new SmoothWeightedRoundRobin();
  balancer.update([member('a', { weight: 5 }), member('b'), member('c')]);
  assert.equal(sequence(balancer, 21), 'aabacaa'.repeat(3));
});

test('equal weights take turns in configuration order', () => {
  const balancer = new SmoothWeightedRoundRobin();
  balancer.update([member('x', { weight: 7 }), member('y', { weight: 7 }), member('z', { weight: 7 })]);
  assert.equal(sequence(balancer, 9), 'xyzxyzxyz');
});

test('a change outside the serving members leaves the rotation where it was; a change inside restarts it', () => {
  const balancer = new SmoothWeightedRoundRobin();
  balancer.update([member('a', { weight: 5 }), member('b'), member('c'), member('spare', { backup: true })]);
  assert.equal(sequence(balancer, 3), 'aab');
  balancer.setUp('spare', false);
  balancer.setUp('a', true);
  assert.equal(sequence(balancer, 4), 'acaa');
  balancer.setUp('c', false);
  assert.equal(sequence(balancer, 6), 'aaabaa');
});

test('every member is chosen exactly weight times per sum of weights, after which the rotation repeats', () => {
  let seed = 1;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  for (let trial = 0; trial < 200; trial++) {
    const weights = Int32Array.from({ length: 1 + Math.floor(random() * 20) }, () => 1 + Math.floor(random() * 256));
    const total = weights.reduce((a, b) => a + b, 0);
    const current = new Int32Array(weights.length);
    const chosen = new Int32Array(weights.length);
    for (let step = 0; step < total; step++) chosen[smoothTurn(weights, current, total)]!++;
    assert.deepEqual(chosen, weights);
    assert.ok(current.every((c) => c === 0));
  }
});
