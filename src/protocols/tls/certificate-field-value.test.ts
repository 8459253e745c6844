import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FORBIDDEN_VALUE_CHAR, holdsForbiddenValue } from '../http/header-syntax.ts';
import { certificateFieldValue } from './certificate-field-value.ts';

test('printable ASCII is sent as it is', () => {
  assert.equal(certificateFieldValue('/CN=client one/O=Example, Inc.'), '/CN=client one/O=Example, Inc.');
});

test('a name beyond ASCII is its UTF-8 bytes, one per character', () => {
  assert.equal(certificateFieldValue('Łukasz'), '\xc5\x81ukasz');
  assert.equal(certificateFieldValue('Zürich'), 'Z\xc3\xbcrich');
  // C1 controls are UTF-8 bytes from 0x80 up, which a field value may hold.
  assert.equal(certificateFieldValue('a\u0085'), 'a\xc2\x85');
});

test('control characters and DEL are escaped, never sent', () => {
  assert.equal(certificateFieldValue('a\r\nb\u0000\t\u001f\u007f'), 'a\\0D\\0Ab\\00\\09\\1F\\7F');
  // Characters whose low byte is a control (U+010D, U+010A) are no CR or LF either.
  for (let code = 0; code < 0x800; code++) {
    const value = certificateFieldValue(`x${String.fromCharCode(code)}`);
    assert.equal(FORBIDDEN_VALUE_CHAR.test(value) || /\t/.test(value), false, `U+${code.toString(16)}`);
  }
});

test('a field list with a control character or a character beyond a byte in a value is told apart', () => {
  assert.equal(holdsForbiddenValue(['a', 'b\xc5\x81', 'c\r\nd', 'e']), false);
  assert.equal(holdsForbiddenValue(['a', 'b', 'c', 'd\r\n']), true);
  assert.equal(holdsForbiddenValue(['a', 'Łukasz']), true);
});
