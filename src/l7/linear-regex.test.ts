import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinearRegexError, linearRegex } from './linear-regex.ts';

describe('linearRegex', () => {
  test('compiles with the linear-time engine and matches as JavaScript does', () => {
    const regex = linearRegex('^/api/v[0-9]+/');
    assert.equal(regex.flags, 'l');
    assert.ok(regex.test('/api/v2/users'));
    assert.ok(!regex.test('/apiv2/'));
  });

  test('a pattern that backtracks exponentially elsewhere is answered without backtracking', () => {
    // On the backtracking engine this input would take longer than the universe has left; here it is one pass.
    const regex = linearRegex('^(a+)+$');
    assert.equal(regex.test(`${'a'.repeat(100_000)}!`), false);
    assert.equal(regex.test('a'.repeat(100_000)), true);
  });

  test('backreferences, lookarounds and huge counts are refused as not linear', () => {
    for (const pattern of ['(a)\\1', '(?=a)b', '(?!a)b', '(?<=a)b', '(?<!a)b', 'a{1000}']) {
      assert.throws(
        () => linearRegex(pattern),
        (error: Error) => {
          assert.ok(error instanceof LinearRegexError);
          assert.match(error.message, /^it cannot be run in linear time/);
          return true;
        },
      );
    }
  });

  test('an invalid pattern is refused with the reason alone', () => {
    assert.throws(() => linearRegex('('), { name: 'Error', message: 'Unterminated group' });
    assert.throws(() => linearRegex('[b-a]'), { message: 'Range out of order in character class' });
  });
});
