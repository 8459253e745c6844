import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c } from './crc32c.ts';

test('the standard check value: crc32c("123456789") is 0xE3069283', () => {
  assert.equal(crc32c(Buffer.from('123456789', 'latin1')), 0xe3069283);
});

test("RFC 3720's iSCSI vectors: 32 zero bytes, 32 0xFF bytes, bytes 0 to 31", () => {
  assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
});

test('the CRC of nothing is 0, and a CRC continues over a range of more bytes', () => {
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  const bytes = Buffer.from('123456789', 'latin1');
  assert.equal(crc32c(bytes, crc32c(bytes, 0, 0, 4), 4), 0xe3069283);
  assert.equal(crc32c(Buffer.from('xx123456789yy', 'latin1'), 0, 2, 11), 0xe3069283);
});
