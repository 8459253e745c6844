import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tlsVersionRange } from './tls-versions.ts';

test('Octavia version lists become a minimum and a maximum', () => {
  assert.deepEqual(tlsVersionRange([]), {});
  assert.deepEqual(tlsVersionRange(['TLSv1.3', 'TLSv1.2']), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
  assert.deepEqual(tlsVersionRange(['TLSv1.2']), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
});

test('what a range cannot say, or Node cannot speak, is a problem', () => {
  assert.match((tlsVersionRange(['SSLv3', 'TLSv1.2']) as { problem: string }).problem, /SSLv3/);
  assert.match((tlsVersionRange(['TLSv1.1', 'TLSv1.3']) as { problem: string }).problem, /gap/);
  assert.match((tlsVersionRange(['TLSv9']) as { problem: string }).problem, /unknown/);
});
