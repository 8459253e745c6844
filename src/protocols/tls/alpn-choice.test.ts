import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseAlpn, HTTP_ALPN_SPOKEN, offeredAlpn } from './alpn-choice.ts';

test('an HTTP listener offers what it speaks of its list; a byte relay offers its list as it is', () => {
  assert.deepEqual(offeredAlpn(['http/1.1', 'h2', 'spdy/3'], HTTP_ALPN_SPOKEN), ['http/1.1', 'h2']);
  assert.deepEqual(offeredAlpn([], HTTP_ALPN_SPOKEN), ['h2', 'http/1.1', 'http/1.0']);
  assert.deepEqual(offeredAlpn(['imap', 'h2'], null), ['imap', 'h2']);
});

test('our preference decides; nothing in common is no choice', () => {
  assert.equal(chooseAlpn(['http/1.0', 'http/1.1'], ['http/1.1', 'http/1.0']), 'http/1.1');
  assert.equal(chooseAlpn(['h2'], ['http/1.1', 'http/1.0']), undefined);
});
