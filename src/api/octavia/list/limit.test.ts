import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fault } from '../../faults.ts';
import { DEFAULT_MAX_LIMIT, parseLimit } from './limit.ts';

describe('parseLimit', () => {
  it('defaults to the maximum, 1000', () => {
    assert.equal(DEFAULT_MAX_LIMIT, 1000);
    assert.equal(parseLimit(undefined), 1000);
    assert.equal(parseLimit(undefined, 50), 50);
    assert.equal(parseLimit(undefined, Number.POSITIVE_INFINITY), undefined);
  });

  it('caps a larger limit at the maximum', () => {
    assert.equal(parseLimit('2000'), 1000);
    assert.equal(parseLimit('7', 5), 5);
  });

  it("reads integers as Python's int() does", () => {
    assert.equal(parseLimit('2'), 2);
    assert.equal(parseLimit(' 1 '), 1);
    assert.equal(parseLimit('+1'), 1);
    assert.equal(parseLimit('1_0'), 10);
  });

  it('means no limit (and no maximum) for 0, negatives and "infinite"', () => {
    assert.equal(parseLimit('0'), undefined);
    assert.equal(parseLimit('-1'), undefined);
    assert.equal(parseLimit('infinite'), undefined);
  });

  it('rejects anything else with a 400 quoting the value', () => {
    for (const raw of ['abc', '1.5', '', '0x5', 'Infinite']) {
      assert.throws(
        () => parseLimit(raw),
        (error: unknown) =>
          error instanceof Fault &&
          error.status === 400 &&
          error.message === `Supplied pagination limit '${raw}' is not valid.`,
      );
    }
  });
});
