import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spec } from '../../../../test/support/kernel-spec.ts';
import { sessionIdContext } from './session-id-context.ts';

const tls = spec([]).listeners[0]!.tls;
const optional = { ...tls, clientAuthentication: 'OPTIONAL' as const, clientCaPem: 'CA one', clientCrlPem: 'CRL one' };

test('the context is the same for the same listener and client authentication, whatever else changes', () => {
  const context = sessionIdContext('l1', optional);
  assert.match(context, /^[0-9a-f]{32}$/);
  assert.equal(
    sessionIdContext('l1', { ...optional, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', versions: ['TLSv1.3'] }),
    context,
  );
});

test('another listener, client authentication mode, CA or CRL gives another context', () => {
  const contexts = [
    sessionIdContext('l1', optional),
    sessionIdContext('l2', optional),
    sessionIdContext('l1', { ...optional, clientAuthentication: 'MANDATORY' }),
    sessionIdContext('l1', { ...optional, clientCaPem: 'CA two' }),
    sessionIdContext('l1', { ...optional, clientCrlPem: null }),
  ];
  assert.equal(new Set(contexts).size, contexts.length);
});
