import assert from 'node:assert/strict';
import { test } from 'node:test';
import { proxyClientAddress } from './client-address-delivery.ts';

test('each way the proxy hands members the client address is named, and its absence says how to get one', () => {
  const cases: [Parameters<typeof proxyClientAddress>[0], string][] = [
    [
      { protocol: 'HTTP', insertHeaders: { 'X-Forwarded-For': 'True', Forwarded: 'true' }, poolProtocol: 'HTTP' },
      'Forwarded header, X-Forwarded-For header',
    ],
    [
      { protocol: 'HTTP', insertHeaders: { 'X-Forwarded-For': 'false' }, poolProtocol: 'PROXYV2' },
      'PROXY protocol v2 header',
    ],
    [{ protocol: 'TCP', insertHeaders: {}, poolProtocol: 'PROXY' }, 'PROXY protocol v1 header'],
    [{ protocol: 'HTTPS', insertHeaders: {}, poolProtocol: 'PROXYV2' }, 'PROXY protocol v2 header'],
    [
      { protocol: 'HTTP', insertHeaders: {}, poolProtocol: 'HTTP' },
      "not delivered: members see weir's address (for the client's, use insert_headers X-Forwarded-For or " +
        'Forwarded, or a PROXY or PROXYV2 pool)',
    ],
    [
      { protocol: 'TCP', insertHeaders: { 'X-Forwarded-For': 'true' }, poolProtocol: 'TCP' },
      "not delivered: members see weir's address (for the client's, use a PROXY or PROXYV2 pool)",
    ],
    [
      { protocol: 'TCP', insertHeaders: {}, poolProtocol: null },
      "not delivered: members see weir's address (for the client's, use a PROXY or PROXYV2 pool)",
    ],
    [
      { protocol: 'UDP', insertHeaders: {}, poolProtocol: 'UDP' },
      "not delivered: members see weir's address (UDP is relayed in user space)",
    ],
  ];
  for (const [question, answer] of cases) assert.equal(proxyClientAddress(question), answer, JSON.stringify(question));
});
