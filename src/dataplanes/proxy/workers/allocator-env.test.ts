import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocatorEnv, TRIM_THRESHOLD_BYTES } from './allocator-env.ts';

test('keeps up to 32 MiB of freed heap unless the operator set a trim threshold', () => {
  assert.deepEqual(allocatorEnv({}), { MALLOC_TRIM_THRESHOLD_: String(TRIM_THRESHOLD_BYTES) });
  assert.equal(TRIM_THRESHOLD_BYTES, 33_554_432);
  assert.deepEqual(allocatorEnv({ MALLOC_TRIM_THRESHOLD_: '131072' }), { MALLOC_TRIM_THRESHOLD_: '131072' });
});
