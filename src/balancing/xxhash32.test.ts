import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xxhash32 } from './xxhash32.ts';

const hash = (text: string, seed = 0) => {
  const bytes = new TextEncoder().encode(text);
  return xxhash32(bytes, bytes.length, seed) >>> 0;
};

test('xxhash32 matches the reference digests: short path, lanes, tail bytes and stripes', () => {
  assert.equal(hash(''), 0x02cc5d05);
  assert.equal(hash('', 42), 0xd5be6eb8);
  assert.equal(hash('a'), 0x550d7456);
  assert.equal(hash('abc'), 0x32d153ff);
  assert.equal(hash('abcd'), 0xa3643705);
  assert.equal(hash('abcd', 42), 0xe37d5ac5);
  assert.equal(hash('abcdefghijklmnop'), 0x9d2d8b62);
  assert.equal(hash('abcdefghijklmnopqrstuvwxyz0123456789'), 0x42ae804d);
  assert.equal(hash('Nobody inspects the spammish repetition'), 0xe2293b2f);
});

test('xxhash32 hashes only the given prefix of a reused buffer', () => {
  const buffer = new TextEncoder().encode('abcdXXXX');
  assert.equal(xxhash32(buffer, 4, 0) >>> 0, 0xa3643705);
});
