import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenCache } from './token-cache.ts';

const valid = (expiresAt: number) => async () => ({ expiresAt });

test('a token is trusted for the cache time, never past its expiry', async () => {
  let now = 1_000_000;
  const cache = new TokenCache<{ expiresAt: number }>(300_000, 10, () => now);
  let calls = 0;
  const validate = async () => {
    calls++;
    return { expiresAt: now + 60_000 };
  };
  await cache.get('t', validate);
  now += 59_000;
  await cache.get('t', validate);
  assert.equal(calls, 1);
  now += 2_000;
  await cache.get('t', validate);
  assert.equal(calls, 2, 'expired entries are validated again');
});

test('refusals are not cached, and a zero cache time asks every time', async () => {
  const cache = new TokenCache<{ expiresAt: number }>(0);
  let calls = 0;
  const validate = async () => {
    calls++;
    return { expiresAt: Date.now() + 60_000 };
  };
  await cache.get('t', validate);
  await cache.get('t', validate);
  assert.equal(calls, 2);
  const refusing = new TokenCache<{ expiresAt: number }>(300_000);
  assert.equal(await refusing.get('bad', async () => null), null);
  assert.equal(refusing.size, 0);
});

test('concurrent look-ups of one token share one validation', async () => {
  const cache = new TokenCache<{ expiresAt: number }>(300_000);
  let calls = 0;
  const slow = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { expiresAt: Date.now() + 60_000 };
  };
  await Promise.all([cache.get('t', slow), cache.get('t', slow), cache.get('t', slow)]);
  assert.equal(calls, 1);
});

test('the cache is bounded: the oldest entries go first', async () => {
  const cache = new TokenCache<{ expiresAt: number }>(300_000, 3);
  for (const token of ['a', 'b', 'c', 'd']) await cache.get(token, valid(Date.now() + 60_000));
  assert.equal(cache.size, 3);
  let asked = false;
  await cache.get('a', async () => {
    asked = true;
    return { expiresAt: Date.now() + 60_000 };
  });
  assert.equal(asked, true);
});
