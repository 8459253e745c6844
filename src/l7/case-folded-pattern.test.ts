import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { caseFoldedPattern } from './case-folded-pattern.ts';
import { linearRegex } from './linear-regex.ts';

// Patterns and samples where ignoring case is easy to get wrong: ranges across the letters, escapes that name a
// letter (hex, unicode, octal, identity), class escapes and assertions that must keep their case, group names.
const PATTERNS = [
  '[Z-a]',
  '(?<A>x)|(?<a>y)',
  '\\x4A',
  '\\u004a',
  '\\101',
  '[\\101-\\132]+$',
  '^[^A-C]$',
  '[-A]',
  '[a-]',
  '[A-C-E]',
  '[\\x41-\\x43]',
  '\\A\\B',
  '\\D',
  '[\\D]',
  '[^\\W_]',
  '\\cJ',
  '[\\cJ]',
  'K\\w',
  'x{1,2}Y',
  '[]A',
  '\\0A',
  '^www\\.Example\\.COM$',
  '[À-Ö]',
];
const SAMPLES = [
  ...['', 'a', 'A', 'j', 'J', 'z', 'Z', '[', '`', '_', 'x', 'X', 'y', 'Y', 'b', 'B', 'ab', 'AB', 'd', 'e', 'E'],
  ...['-', '\n', 'k0', 'K0', 'xy', 'xY', 'XXY', '\0a', '\0A', 'é', 'É', 'www.example.com', 'WWW.EXAMPLE.COM'],
];

describe('caseFoldedPattern', () => {
  test("on a lower-cased sample, matches exactly where the pattern matches with the backtracking engine's `i`", () => {
    for (const pattern of PATTERNS) {
      const folded = linearRegex(caseFoldedPattern(pattern));
      const reference = new RegExp(pattern, 'i');
      for (const sample of SAMPLES) {
        assert.equal(
          folded.test(sample.toLowerCase()),
          reference.test(sample),
          `${JSON.stringify(pattern)} (folded ${JSON.stringify(folded.source)}) on ${JSON.stringify(sample)}`,
        );
      }
    }
  });

  test('group names, backreferences and class escapes are kept as written', () => {
    assert.equal(caseFoldedPattern('(?<Host>A)\\k<Host>'), '(?<Host>a)\\k<Host>');
    assert.equal(caseFoldedPattern('\\D\\W\\S\\B'), '\\D\\W\\S\\B');
    assert.equal(caseFoldedPattern('(A)\\1'), '(a)\\1');
  });

  test('a pattern stays exactly as invalid as written', () => {
    for (const pattern of ['[z-a]', '(', 'a{2,1}', '(?<a>x)(?<a>y)', '\\']) {
      assert.throws(() => new RegExp(pattern));
      assert.throws(() => linearRegex(caseFoldedPattern(pattern)));
    }
  });
});
