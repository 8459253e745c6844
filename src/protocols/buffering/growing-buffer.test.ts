import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrowingBuffer } from './growing-buffer.ts';

test('chunks of any sizes come back joined, in order, copied', () => {
  const bytes = new GrowingBuffer();
  const expected: number[] = [];
  let joined: Buffer = Buffer.alloc(0);
  for (let size = 0; size < 300; size += 7) {
    const chunk = Buffer.alloc(size, size % 251);
    joined = bytes.append(chunk);
    expected.push(...chunk);
    chunk.fill(0xff);
  }
  assert.deepEqual([...joined], expected);
  assert.equal(bytes.length, expected.length);
  bytes.clear();
  assert.equal(bytes.length, 0);
  assert.deepEqual([...bytes.append(Buffer.from('ab'))], [...Buffer.from('ab')]);
});
