import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairBytes, resolveIpPair } from './address-pair.ts';

const hex = () => [
  Buffer.from(pairBytes.subarray(0, 16)).toString('hex'),
  Buffer.from(pairBytes.subarray(16)).toString('hex'),
];

test('two IPv4 addresses, mapped or not, travel as IPv4', () => {
  assert.equal(resolveIpPair('192.0.2.1', '198.51.100.2'), 'inet');
  assert.equal(resolveIpPair('::ffff:192.0.2.1', '::ffff:198.51.100.2'), 'inet');
  assert.equal(resolveIpPair('::FFFF:c000:201', '198.51.100.2'), 'inet');
  assert.deepEqual(hex(), ['00000000000000000000ffffc0000201', '00000000000000000000ffffc6336402']);
});

test('a pair with a real IPv6 address travels as IPv6, the IPv4 one mapped (as HAProxy sends it)', () => {
  assert.equal(resolveIpPair('2001:db8::7', '127.0.0.1'), 'inet6');
  assert.deepEqual(hex(), ['20010db8000000000000000000000007', '00000000000000000000ffff7f000001']);
  assert.equal(resolveIpPair('::ffff:192.0.2.9', '::1'), 'inet6');
  assert.equal(resolveIpPair('::1', '::1'), 'inet6');
  // IPv4-compatible (::a.b.c.d, deprecated) is not mapped: it stays IPv6.
  assert.equal(resolveIpPair('::192.0.2.1', '192.0.2.2'), 'inet6');
});

test('a zone is dropped; anything that is not an address is refused', () => {
  assert.equal(resolveIpPair('fe80::1%eth0', 'fe80::2'), 'inet6');
  assert.equal(hex()[0], 'fe800000000000000000000000000001');
  assert.throws(() => resolveIpPair('example.org', '::1'), RangeError);
  assert.throws(() => resolveIpPair('::1', '1.2.3'), RangeError);
  assert.throws(() => resolveIpPair('', '::1'), RangeError);
});
