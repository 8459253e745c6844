import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PayloadCipher, PayloadDecryptError } from './payload-cipher.ts';

const ID = '4f0c7a52-5d0e-4a43-9d83-3c3e1b7b7e01';

test('a sealed payload opens with the same key and secret id, and carries no plaintext', () => {
  const cipher = new PayloadCipher(randomBytes(32));
  const plaintext = Buffer.from('-----BEGIN PRIVATE KEY-----\nsecret material\n');
  const sealed = cipher.seal(ID, plaintext);
  assert.equal(sealed.includes(plaintext), false);
  assert.equal(sealed.length, 1 + 12 + plaintext.length + 16);
  assert.deepEqual(cipher.open(ID, sealed), plaintext);
});

test('the same payload sealed twice differs: a fresh nonce each time', () => {
  const cipher = new PayloadCipher(randomBytes(32));
  assert.notDeepEqual(cipher.seal(ID, Buffer.from('x')), cipher.seal(ID, Buffer.from('x')));
});

test('another key, another secret id, or a flipped bit fails to open', () => {
  const cipher = new PayloadCipher(randomBytes(32));
  const sealed = cipher.seal(ID, Buffer.from('payload'));
  assert.throws(() => new PayloadCipher(randomBytes(32)).open(ID, sealed), PayloadDecryptError);
  assert.throws(() => cipher.open('another-id', sealed), PayloadDecryptError);
  const flipped = Buffer.from(sealed);
  flipped[20]! ^= 1;
  assert.throws(() => cipher.open(ID, flipped), PayloadDecryptError);
  assert.throws(() => cipher.open(ID, Buffer.from([9, 9, 9])), /not in a format/);
});

test('a key must have 32 bytes', () => {
  assert.throws(() => new PayloadCipher(randomBytes(16)), /32 bytes/);
});
