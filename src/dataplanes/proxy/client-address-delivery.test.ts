import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KERNEL_CLIENT_ADDRESS } from '../nftables/nat-load-balancers.ts';
import { proxyClientAddress } from './client-address-delivery.ts';

test('each way the proxy hands members the client address is named, and its absence says how to get one', () => {
  const cases: [Parameters<typeof proxyClientAddress>[0], string][] = [
    [
      {
        protocol: 'HTTP',
        insertHeaders: { 'X-Forwarded-For': 'True', Forwarded: 'true' },
        poolProtocol: 'HTTP',
        connectionLimit: null,
      },
      'Forwarded header, X-Forwarded-For header',
    ],
    [
      {
        protocol: 'HTTP',
        insertHeaders: { 'X-Forwarded-For': 'false' },
        poolProtocol: 'PROXYV2',
        connectionLimit: null,
      },
      'PROXY protocol v2 header',
    ],
    [{ protocol: 'TCP', insertHeaders: {}, poolProtocol: 'PROXY', connectionLimit: null }, 'PROXY protocol v1 header'],
    [
      {
        protocol: 'TERMINATED_HTTPS',
        insertHeaders: { Forwarded: 'true' },
        poolProtocol: 'HTTP',
        connectionLimit: null,
      },
      'Forwarded header',
    ],
    [
      { protocol: 'TERMINATED_TLS', insertHeaders: {}, poolProtocol: 'TCP', connectionLimit: null },
      "not delivered: members see weir's address (for the client's, use a PROXY or PROXYV2 pool)",
    ],
    [
      { protocol: 'HTTPS', insertHeaders: {}, poolProtocol: 'PROXYV2', connectionLimit: null },
      'PROXY protocol v2 header',
    ],
    [
      { protocol: 'HTTP', insertHeaders: {}, poolProtocol: 'HTTP', connectionLimit: null },
      "not delivered: members see weir's address (for the client's, use insert_headers X-Forwarded-For or " +
        'Forwarded, or a PROXY or PROXYV2 pool)',
    ],
    [
      { protocol: 'TCP', insertHeaders: { 'X-Forwarded-For': 'true' }, poolProtocol: 'TCP', connectionLimit: null },
      "not delivered: members see weir's address (for the client's, use a PROXY or PROXYV2 pool)",
    ],
    [
      { protocol: 'TCP', insertHeaders: {}, poolProtocol: null, connectionLimit: null },
      "not delivered: members see weir's address (for the client's, use a PROXY or PROXYV2 pool)",
    ],
    [
      { protocol: 'UDP', insertHeaders: {}, poolProtocol: 'UDP', connectionLimit: null },
      "not delivered: members see weir's address (UDP is relayed in user space)",
    ],
  ];
  for (const [question, answer] of cases) {
    assert.equal(proxyClientAddress(question, false), answer, JSON.stringify(question));
  }
});

test('UDP forwarded by the kernel delivers the client in the packet, unless a connection_limit or session persistence keeps it in user space', () => {
  const udp = { protocol: 'UDP', insertHeaders: {}, poolProtocol: 'UDP' } as const;
  const relayed = "not delivered: members see weir's address (UDP is relayed in user space)";
  assert.equal(proxyClientAddress({ ...udp, connectionLimit: null }, true), KERNEL_CLIENT_ADDRESS);
  assert.equal(proxyClientAddress({ ...udp, connectionLimit: 10 }, true), relayed);
  assert.equal(proxyClientAddress({ ...udp, connectionLimit: null, poolPersistence: true }, true), relayed);
});
