import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addLatency, emptyLatency, LATENCY_BOUNDS_SECONDS, recordLatency } from './request-latency.ts';

test('a duration falls in the first bucket whose bound it does not exceed, and sums add up across processes', () => {
  const one = emptyLatency();
  recordLatency(one, 0.0005);
  recordLatency(one, 0.0006);
  recordLatency(one, 10);
  recordLatency(one, 11);
  assert.equal(one.buckets.length, LATENCY_BOUNDS_SECONDS.length + 1);
  assert.equal(one.buckets[0], 1, 'a bound is inclusive, as Prometheus le');
  assert.equal(one.buckets[1], 1);
  assert.equal(one.buckets[LATENCY_BOUNDS_SECONDS.length - 1], 1);
  assert.equal(one.buckets[LATENCY_BOUNDS_SECONDS.length], 1, 'above the last bound: +Inf');
  const two = emptyLatency();
  recordLatency(two, 0.0005);
  addLatency(two, one);
  assert.equal(two.buckets[0], 2);
  assert.equal(
    two.buckets.reduce((a, b) => a + b),
    5,
  );
  assert.ok(Math.abs(two.sumSeconds - 21.0016) < 1e-9);
});
