import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DOT_RANGES, ESCAPE_RANGES, MAX_REGEX_COST, regexCost } from './regex-cost.ts';

/** How many ranges of code units the one-character pattern `atom` matches, counted over all of them. */
function rangesOf(atom: string): number {
  const regex = new RegExp(`^${atom}$`);
  let ranges = 0;
  let inside = false;
  for (let code = 0; code <= 0xffff; code++) {
    const matches = regex.test(String.fromCharCode(code));
    if (matches && !inside) ranges++;
    inside = matches;
  }
  return ranges;
}

describe('regexCost', () => {
  test("the class escapes' and the dot's range counts are V8's", () => {
    for (const [letter, ranges] of Object.entries(ESCAPE_RANGES)) assert.equal(rangesOf(`\\${letter}`), ranges, letter);
    assert.equal(rangesOf('.'), DOT_RANGES);
  });

  test('an unanchored search counts every state, a range test two steps, a fork one, repetitions unrolled', () => {
    assert.equal(regexCost(`${'.*'.repeat(120)}x`), 120 * (2 * DOT_RANGES + 1) + 2);
    assert.equal(regexCost('a{7}x'), 16);
    assert.equal(regexCost('(?:a*){7}x'), 7 * 3 + 2);
    assert.equal(regexCost('a{2,5}'), 5 * 2 + 3); // `aaa?a?a?`
    assert.equal(regexCost('(?:ab){3,}'), 4 * 4 + 1); // `ababab(?:ab)*`
    assert.equal(regexCost('a+'), 2 * 2 + 1); // `aa*`
    assert.equal(regexCost('[acegikm]*x'), 7 * 2 + 1 + 2);
    assert.equal(regexCost('[^b][a-z0-9_]'), 2 * 2 + 3 * 2);
    assert.equal(regexCost('[\\d-z]'), 3 * 2);
    assert.equal(regexCost('\\s\\S'), (10 + 11) * 2);
    assert.equal(regexCost('(?:|||)x'), 3 + 2); // each alternative is a thread more
    assert.equal(regexCost('\\.(jpg|png)$'), 2 + 6 + 6 + 1 + 1);
    assert.equal(regexCost('a{,2}'), 10); // not a quantifier: five characters
  });

  test('a ^ at the start of an alternative leaves out what comes before its first unbounded repetition', () => {
    assert.equal(regexCost('^www\\.example\\.com$'), 0);
    assert.equal(regexCost('^[0-9a-f]{8}-[0-9a-f]{4}$'), 0);
    assert.equal(regexCost('^/api/.*'), 9);
    assert.equal(regexCost('^/static/.*\\.(css|js)$'), 9 + 2 + 6 + 4 + 1 + 1);
    assert.equal(regexCost('^b[a-z]+$'), 5 + 1);
    assert.equal(regexCost('^a|b+c'), 1 + 5 + 2); // the second alternative is not anchored
    assert.equal(regexCost('(?:^a.*)'), 1 + 2 + 9); // a ^ inside a group is not at the start of the search
  });

  test('after a ^, optional copies count from the first one: bounded, they still keep many threads live', () => {
    assert.equal(regexCost('^[0-9a-f]{8}-[0-9a-f]{4}$'), 0, 'exact counts fork nowhere');
    for (const pattern of [
      `^(?:${'.?'.repeat(120)}){16}x`,
      `^(?:${'\\S?'.repeat(80)}){16}x`,
      `^${'(?:\\S?){16}'.repeat(21)}x`,
    ]) {
      assert.ok(regexCost(pattern) > MAX_REGEX_COST, pattern);
    }
    assert.equal(regexCost('^a?b'), 2 + 1 + 2);
    assert.equal(regexCost('^ab(c|d)'), 2 + 2 + 1, 'from the alternative on');
  });

  test('the limit lets ordinary patterns through and refuses a pathological one', () => {
    const ordinary = [
      '^www\\.example\\.com$',
      '^/api/v[0-9]+/.*',
      '\\.(jpg|jpeg|png|gif|webp|svg|ico)$',
      'Mozilla.*(iPhone|Android)',
      '^/users/[0-9]+/orders/[0-9]+$',
      '^/api/.*',
      'gold',
    ];
    for (const pattern of ordinary) {
      assert.ok(regexCost(pattern) <= MAX_REGEX_COST, pattern);
    }
    assert.ok(regexCost(`${'.*'.repeat(120)}x`) > MAX_REGEX_COST);
  });
});
