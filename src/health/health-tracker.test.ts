import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthTracker, type RecordOutcome, type TrackedStatus } from './health-tracker.ts';

/** A reference model written differently from the tracker: from the whole history, not running counters. */
function expectedStatus(history: readonly boolean[], rise: number, fall: number): TrackedStatus {
  let status: TrackedStatus = 'UNKNOWN';
  for (let index = 0; index < history.length; index++) {
    const ok = history[index];
    if (status === 'UNKNOWN') {
      status = ok ? 'UP' : 'DOWN';
      continue;
    }
    const needed = status === 'UP' ? fall : rise;
    const tail = history.slice(Math.max(0, index - needed + 1), index + 1);
    // A run of opposite results never reaches back past the last transition: that result matched the status.
    const sinceChange = tail.length === needed && tail.every((result) => result === (status === 'DOWN'));
    if (sinceChange) status = status === 'UP' ? 'DOWN' : 'UP';
  }
  return status;
}

/** A tiny deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('HealthTracker', () => {
  it('starts UNKNOWN with no counts', () => {
    const tracker = new HealthTracker(3, 3);
    assert.equal(tracker.status, 'UNKNOWN');
    assert.equal(tracker.consecutiveSuccesses, 0);
    assert.equal(tracker.consecutiveFailures, 0);
  });

  it('confirms UP on the first success, as HAProxy starts servers up', () => {
    const tracker = new HealthTracker(3, 3);
    assert.equal(tracker.record(true), 'changed');
    assert.equal(tracker.status, 'UP');
  });

  it('goes DOWN on the first failure, as HAProxy does before any check passed', () => {
    const tracker = new HealthTracker(3, 3);
    assert.equal(tracker.record(false), 'changed');
    assert.equal(tracker.status, 'DOWN');
  });

  it('takes fall consecutive failures to go from UP to DOWN', () => {
    const tracker = new HealthTracker(2, 3);
    tracker.record(true);
    assert.deepEqual(
      [false, false, false, false].map((ok) => tracker.record(ok)),
      ['pending', 'pending', 'changed', 'unchanged'],
    );
    assert.equal(tracker.status, 'DOWN');
  });

  it('takes rise consecutive successes to go from DOWN to UP', () => {
    const tracker = new HealthTracker(2, 3);
    tracker.record(false);
    assert.deepEqual(
      [true, true, true].map((ok) => tracker.record(ok)),
      ['pending', 'changed', 'unchanged'],
    );
    assert.equal(tracker.status, 'UP');
  });

  it('restarts a count on an opposite result', () => {
    const tracker = new HealthTracker(2, 2);
    tracker.record(true);
    const outcomes: RecordOutcome[] = [false, true, false, true, false, false].map((ok) => tracker.record(ok));
    assert.deepEqual(outcomes, ['pending', 'unchanged', 'pending', 'unchanged', 'pending', 'changed']);
    assert.equal(tracker.status, 'DOWN');
    assert.deepEqual(
      [true, false, true, true].map((ok) => tracker.record(ok)),
      ['pending', 'unchanged', 'pending', 'changed'],
    );
  });

  it('flips on every opposite result when rise and fall are 1', () => {
    const tracker = new HealthTracker(1, 1);
    assert.deepEqual(
      [true, false, false, true, true].map((ok) => tracker.record(ok)),
      ['changed', 'changed', 'unchanged', 'changed', 'unchanged'],
    );
  });

  it('counts consecutive results', () => {
    const tracker = new HealthTracker(3, 3);
    for (const ok of [true, true, false, false, false]) tracker.record(ok);
    assert.equal(tracker.consecutiveFailures, 3);
    assert.equal(tracker.consecutiveSuccesses, 0);
    tracker.record(true);
    assert.equal(tracker.consecutiveFailures, 0);
    assert.equal(tracker.consecutiveSuccesses, 1);
  });

  for (const [rise, fall] of [
    [0, 3],
    [3, 0],
    [11, 3],
    [3, 11],
    [1.5, 3],
    [Number.NaN, 3],
  ] as const) {
    it(`rejects rise ${rise} and fall ${fall}`, () => {
      assert.throws(() => new HealthTracker(rise, fall), RangeError);
    });
  }

  it('agrees with a reference model on every history of up to 10 results for every rise and fall up to 4', () => {
    for (let rise = 1; rise <= 4; rise++) {
      for (let fall = 1; fall <= 4; fall++) {
        for (let length = 1; length <= 10; length++) {
          for (let bits = 0; bits < 1 << length; bits++) {
            const history = Array.from({ length }, (_, index) => ((bits >> index) & 1) === 1);
            const tracker = new HealthTracker(rise, fall);
            let previous: TrackedStatus = tracker.status;
            for (const ok of history) {
              const outcome = tracker.record(ok);
              assert.equal(outcome === 'changed', tracker.status !== previous, `${history} ${rise}/${fall}`);
              previous = tracker.status;
            }
            assert.equal(tracker.status, expectedStatus(history, rise, fall), `${history} rise ${rise} fall ${fall}`);
          }
        }
      }
    }
  });

  it('keeps its invariants over long random histories for every rise and fall', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const rise = 1 + Math.floor(next() * 10);
      const fall = 1 + Math.floor(next() * 10);
      const successRate = next();
      const tracker = new HealthTracker(rise, fall);
      const history: boolean[] = [];
      for (let step = 0; step < 300; step++) {
        const ok = next() < successRate;
        const before = tracker.status;
        const outcome = tracker.record(ok);
        history.push(ok);
        const context = `seed ${seed} step ${step}`;
        assert.notEqual(tracker.status, 'UNKNOWN', context);
        assert.equal(ok ? tracker.consecutiveFailures : tracker.consecutiveSuccesses, 0, context);
        // A status change always agrees with the result that caused it.
        if (outcome === 'changed') assert.equal(tracker.status, ok ? 'UP' : 'DOWN', context);
        // 'unchanged' means the result confirms the status; 'pending' means it works against it.
        if (outcome === 'unchanged') assert.equal(tracker.status, ok ? 'UP' : 'DOWN', context);
        if (outcome === 'pending') assert.equal(tracker.status, ok ? 'DOWN' : 'UP', context);
        if (outcome !== 'changed') assert.equal(tracker.status, before, context);
        // Only the first result or a full run of rise successes (fall failures) can change the status.
        if (outcome === 'changed' && step > 0) {
          assert.ok((ok ? tracker.consecutiveSuccesses : tracker.consecutiveFailures) >= (ok ? rise : fall), context);
        }
      }
      assert.equal(tracker.status, expectedStatus(history, rise, fall), `seed ${seed}`);
    }
  });
});
