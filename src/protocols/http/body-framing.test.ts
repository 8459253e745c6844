import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyFraming } from './body-framing.ts';

const bytes = Buffer.from('0123456789');

test('a length takes that many bytes, across feeds, and then none', () => {
  const framing = bodyFraming({ kind: 'length', length: 7 });
  assert.equal(framing.feed(bytes, 0, 4), 4);
  assert.equal(framing.complete, false);
  assert.equal(framing.feed(bytes, 4), 3);
  assert.deepEqual([framing.complete, framing.problem, framing.feed(bytes)], [true, null, 0]);
});

test('no body is complete at once and takes nothing', () => {
  const framing = bodyFraming({ kind: 'none' });
  assert.deepEqual([framing.complete, framing.feed(bytes)], [true, 0]);
});

test('a length cut short by the sender closing is not complete', () => {
  const framing = bodyFraming({ kind: 'length', length: 20 });
  framing.feed(bytes);
  assert.deepEqual([framing.closed(), framing.complete], [false, false]);
});

test('a close-delimited body takes everything until the sender closes, which completes it', () => {
  const framing = bodyFraming({ kind: 'close' });
  assert.equal(framing.feed(bytes), 10);
  assert.equal(framing.feed(bytes, 3), 7);
  assert.equal(framing.complete, false);
  assert.deepEqual([framing.closed(), framing.complete, framing.feed(bytes)], [true, true, 0]);
});

test('a chunked body is framed by the chunked decoder, with the limits given', () => {
  const framing = bodyFraming({ kind: 'chunked' }, { maxChunkSize: 4 });
  assert.equal(framing.feed(Buffer.from('5\r\n')), -1);
  assert.match(framing.problem ?? '', /too large/);
});
