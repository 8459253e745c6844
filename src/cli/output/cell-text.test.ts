import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellText } from './cell-text.ts';

test('cells read as the OpenStack CLI prints them: None, True, False, one list item per line, sorted key=value', () => {
  assert.equal(cellText(null), 'None');
  assert.equal(cellText(undefined), 'None');
  assert.equal(cellText(true), 'True');
  assert.equal(cellText(false), 'False');
  assert.equal(cellText(0), '0');
  assert.equal(cellText(''), '');
  assert.equal(cellText([]), '');
  assert.equal(cellText(['a', 'b']), 'a\nb');
  assert.equal(
    cellText({ type: 'APP_COOKIE', cookie_name: 'sid', persistence_timeout: null }),
    'cookie_name=sid\npersistence_timeout=None\ntype=APP_COOKIE',
  );
});
