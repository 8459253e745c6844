import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProxyHeader } from './decode.ts';
import { encodeProxyV1 } from './encode-v1.ts';
import { encodeProxyV2 } from './encode-v2.ts';
import type { ProxyFamily, ProxyHeader, ProxyHeaderInput, ProxyTlv } from './header.ts';
import { SSL_CLIENT_CERT_CONN, SSL_CLIENT_SSL } from './wire.ts';

function decodeAll(bytes: Buffer): ProxyHeader {
  const result = decodeProxyHeader(bytes);
  assert.equal(result.status, 'header', JSON.stringify(result));
  if (result.status !== 'header') throw new Error('unreachable');
  assert.equal(result.consumed, bytes.length);
  return result.header;
}

const ALL_TLVS: ProxyTlv[] = [
  { type: 'alpn', value: 'http/1.1' },
  { type: 'authority', value: 'bücher.example' },
  { type: 'unique-id', value: Buffer.alloc(128, 7) },
  { type: 'noop', value: Buffer.alloc(0) },
  { type: 'netns', value: 'ns-tenant-a' },
  {
    type: 'ssl',
    client: SSL_CLIENT_SSL | SSL_CLIENT_CERT_CONN,
    verify: 0xffffffff,
    tlvs: [
      { type: 'version', value: 'TLSv1.2' },
      { type: 'cn', value: 'Zoë' },
      { type: 'cipher', value: 'ECDHE-RSA-AES128-GCM-SHA256' },
      { type: 'sig-alg', value: 'SHA256' },
      { type: 'key-alg', value: 'EC256' },
      { type: 'raw', code: 0x2f, value: Buffer.from([1, 2]) },
    ],
  },
  { type: 'raw', code: 0xe0, value: Buffer.from('custom') },
  { type: 'raw', code: 0xf0, value: Buffer.alloc(0) },
];

const CASES: [ProxyFamily, ProxyHeaderInput][] = [
  ['unspec', { command: 'local' }],
  ['unspec', { command: 'proxy', tlvs: ALL_TLVS, crc32c: true }],
  [
    'inet',
    { command: 'proxy', source: { address: '192.0.2.1', port: 0 }, destination: { address: '0.0.0.0', port: 65535 } },
  ],
  [
    'inet',
    {
      command: 'proxy',
      transport: 'dgram',
      source: { address: '255.255.255.255', port: 53 },
      destination: { address: '10.1.2.3', port: 5353 },
      tlvs: ALL_TLVS,
      crc32c: true,
    },
  ],
  [
    'inet6',
    {
      command: 'proxy',
      source: { address: '2001:db8::17', port: 4711 },
      destination: { address: '::ffff:192.0.2.1', port: 443 },
      tlvs: ALL_TLVS,
    },
  ],
  [
    'inet6',
    {
      command: 'local',
      transport: 'dgram',
      source: { address: '::', port: 1 },
      destination: { address: '::1', port: 2 },
    },
  ],
  ['unix', { command: 'proxy', source: { path: '/run/weir/client.sock' }, destination: { path: '' }, crc32c: true }],
  [
    'unix',
    {
      command: 'proxy',
      transport: 'dgram',
      source: { path: 'ü'.repeat(54) },
      destination: { path: '/x' },
      tlvs: ALL_TLVS,
    },
  ],
];

test('v2: every family and TLV decodes to what was encoded, and encodes back to the same bytes', () => {
  for (const [family, input] of CASES) {
    const bytes = encodeProxyV2(input);
    const header = decodeAll(bytes);
    const expected: ProxyHeader = {
      version: 2,
      command: input.command,
      family,
      tlvs: [...(input.tlvs ?? [])],
      crc32c: input.crc32c ?? false,
    };
    if (family !== 'unspec') {
      expected.transport = input.transport ?? 'stream';
      expected.source = input.source;
      expected.destination = input.destination;
    }
    assert.deepEqual(header, expected, JSON.stringify(input));
    assert.deepEqual(encodeProxyV2(header), bytes);
  }
});

test('v1: TCP4, TCP6 and UNKNOWN decode to what was encoded, and encode back to the same bytes', () => {
  const inputs: Pick<ProxyHeaderInput, 'source' | 'destination'>[] = [
    {},
    { source: { address: '192.0.2.1', port: 56324 }, destination: { address: '198.51.100.2', port: 443 } },
    {
      source: { address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', port: 65535 },
      destination: { address: '::', port: 0 },
    },
    { source: { address: '2001:db8::7', port: 1 }, destination: { address: '::ffff:127.0.0.1', port: 2 } },
  ];
  for (const input of inputs) {
    const bytes = encodeProxyV1(input);
    const header = decodeAll(bytes);
    assert.deepEqual([header.source, header.destination], [input.source, input.destination]);
    assert.deepEqual(encodeProxyV1(header), bytes);
  }
});
