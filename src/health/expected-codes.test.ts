import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isExpectedCode, parseExpectedCodes } from './expected-codes.ts';

describe('parseExpectedCodes', () => {
  it('parses a single code', () => {
    assert.deepEqual(parseExpectedCodes('200'), [{ first: 200, last: 200 }]);
  });

  it('parses a list, with or without spaces after commas', () => {
    assert.deepEqual(parseExpectedCodes('200,202'), [
      { first: 200, last: 200 },
      { first: 202, last: 202 },
    ]);
    assert.deepEqual(parseExpectedCodes('200, 301 ,404'), [
      { first: 200, last: 200 },
      { first: 301, last: 301 },
      { first: 404, last: 404 },
    ]);
  });

  it('parses a range, including a range of one', () => {
    assert.deepEqual(parseExpectedCodes('200-204'), [{ first: 200, last: 204 }]);
    assert.deepEqual(parseExpectedCodes('500-500'), [{ first: 500, last: 500 }]);
  });

  for (const garbage of [
    '',
    ' ',
    '20',
    '2000',
    'abc',
    '200,',
    ',200',
    '200,,202',
    '200-',
    '-200',
    '200-204-206',
    '200-204,300',
    '200;202',
    ' 200',
    '200 ',
    '2OO',
    '099',
    '600',
    '100-600',
    '204-200',
  ]) {
    it(`rejects ${JSON.stringify(garbage)}`, () => {
      assert.throws(() => parseExpectedCodes(garbage), RangeError);
    });
  }

  it('names the offending value in the error', () => {
    assert.throws(() => parseExpectedCodes('2xx'), /Invalid expected_codes '2xx'/);
  });
});

describe('isExpectedCode', () => {
  it('matches codes in any listed range, bounds included', () => {
    const ranges = parseExpectedCodes('200-204');
    assert.equal(isExpectedCode(ranges, 199), false);
    assert.equal(isExpectedCode(ranges, 200), true);
    assert.equal(isExpectedCode(ranges, 204), true);
    assert.equal(isExpectedCode(ranges, 205), false);
  });

  it('matches only the listed codes of a list', () => {
    const ranges = parseExpectedCodes('200,202');
    assert.deepEqual(
      [200, 201, 202].map((status) => isExpectedCode(ranges, status)),
      [true, false, true],
    );
  });
});
