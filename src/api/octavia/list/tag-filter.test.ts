import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesTags, parseTagFilters } from './tag-filter.ts';

describe('parseTagFilters', () => {
  it('splits commas and joins repeated parameters', () => {
    assert.deepEqual(parseTagFilters({ tags: ['a,b', 'c'], 'tags-any': 'd', 'not-tags': 'e,f', 'not-tags-any': '' }), {
      all: ['a', 'b', 'c'],
      any: ['d'],
      notAll: ['e', 'f'],
      notAny: [''],
    });
    assert.deepEqual(parseTagFilters({}), { all: undefined, any: undefined, notAll: undefined, notAny: undefined });
  });
});

describe('matchesTags', () => {
  const ab = ['a', 'b'];

  it('tags needs every tag', () => {
    assert.equal(matchesTags(ab, { all: ['a', 'b'] }), true);
    assert.equal(matchesTags(ab, { all: ['a', 'c'] }), false);
  });

  it('tags-any needs one of them', () => {
    assert.equal(matchesTags(ab, { any: ['c', 'b'] }), true);
    assert.equal(matchesTags(ab, { any: ['c'] }), false);
  });

  it('not-tags excludes only items having every tag', () => {
    assert.equal(matchesTags(ab, { notAll: ['a', 'b'] }), false);
    assert.equal(matchesTags(ab, { notAll: ['a', 'c'] }), true);
  });

  it('not-tags-any excludes items having any of them', () => {
    assert.equal(matchesTags(ab, { notAny: ['c', 'a'] }), false);
    assert.equal(matchesTags([], { notAny: ['a'] }), true);
  });

  it('reads an empty value as the tag "" which nothing has', () => {
    assert.equal(matchesTags(ab, { all: [''] }), false);
    assert.equal(matchesTags(ab, { any: [''] }), false);
    assert.equal(matchesTags(ab, { notAll: [''] }), true);
    assert.equal(matchesTags(ab, { notAny: [''] }), true);
  });

  it('lets resources without tags through', () => {
    assert.equal(matchesTags(undefined, { all: ['a'] }), true);
  });
});
