import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProxyV1 } from './encode-v1.ts';
import { encodeProxyV2 } from './encode-v2.ts';
import { ProxyHeaderDecoder } from './stream-decoder.ts';

const payload = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
const v1 = encodeProxyV1({ source: { address: '192.0.2.1', port: 1 }, destination: { address: '192.0.2.2', port: 2 } });
const v2 = encodeProxyV2({
  command: 'proxy',
  source: { address: '2001:db8::1', port: 1 },
  destination: { address: '2001:db8::2', port: 2 },
  crc32c: true,
  tlvs: [{ type: 'unique-id', value: Buffer.from('id') }],
});

test('fed one byte at a time, the header comes out once complete, and the payload after it', () => {
  for (const header of [v1, v2]) {
    const stream = Buffer.concat([header, payload]);
    const decoder = new ProxyHeaderDecoder();
    for (let i = 0; i < header.length - 1; i++) {
      assert.equal(decoder.push(Buffer.from([stream[i]!])).status, 'need-more', `byte ${i}`);
    }
    // The last header byte arrives together with the payload.
    const result = decoder.push(stream.subarray(header.length - 1));
    assert.equal(result.status, 'header');
    if (result.status !== 'header') return;
    assert.equal(result.consumed, header.length);
    assert.deepEqual(result.rest, payload);
    assert.equal(result.header.crc32c, header === v2);
    assert.throws(() => decoder.push(payload), /already/);
  }
});

test('a header in the first chunk is decoded without copying: the rest is a view of that chunk', () => {
  const chunk = Buffer.concat([v2, payload]);
  const result = new ProxyHeaderDecoder().push(chunk);
  assert.equal(result.status, 'header');
  if (result.status !== 'header') return;
  assert.equal(result.rest.buffer, chunk.buffer);
  assert.equal(result.rest.byteOffset, chunk.byteOffset + v2.length);
});

test('buffered bytes are copies: a caller reusing its chunk does not change them', () => {
  const decoder = new ProxyHeaderDecoder();
  const chunk = Buffer.from(v1.subarray(0, 10));
  assert.equal(decoder.push(chunk).status, 'need-more');
  chunk.fill(0x20);
  const result = decoder.push(v1.subarray(10));
  assert.equal(result.status, 'header');
});

test('refused as soon as the bytes show it, not at the end of the header', () => {
  const decoder = new ProxyHeaderDecoder();
  assert.equal(decoder.push(Buffer.from('PRO')).status, 'need-more');
  const result = decoder.push(Buffer.from('Z'));
  assert.deepEqual(result.status === 'error' && result.reason, 'not-proxy-protocol');
  const capped = new ProxyHeaderDecoder({ maxV2Length: v2.length - 1 });
  assert.equal(capped.push(v2.subarray(0, 15)).status, 'need-more');
  const tooLong = capped.push(v2.subarray(15, 16));
  assert.deepEqual(tooLong.status === 'error' && tooLong.reason, 'too-long');
});

test('a stream that ends inside the header is an error, never a header', () => {
  const decoder = new ProxyHeaderDecoder();
  assert.equal(decoder.push(v2.subarray(0, 20)).status, 'need-more');
  const result = decoder.end();
  assert.deepEqual(result.status === 'error' && [result.reason, result.message], [
    'truncated',
    'the stream ended after 20 bytes, before the PROXY header did',
  ]);
  assert.throws(() => decoder.end(), /already/);
  const empty = new ProxyHeaderDecoder().end();
  assert.deepEqual(empty.status === 'error' && empty.reason, 'truncated');
});
