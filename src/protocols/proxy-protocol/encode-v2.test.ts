// Expected bytes are written out from proxy-protocol.txt section 2.2, or were captured from HAProxy 2.6: never
// produced by this encoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProxyV2 } from './encode-v2.ts';

const SIG = '0d0a0d0a000d0a515549540a';
/** Hex of ASCII text, so TLV values read as what they are. */
const text = (value: string) => Buffer.from(value, 'latin1').toString('hex');
const hex = (...parts: string[]) => parts.join('').replaceAll(' ', '');

test('PROXY over TCP4 and UDP6, no TLVs', () => {
  const tcp4 = encodeProxyV2({
    command: 'proxy',
    source: { address: '192.0.2.1', port: 56324 },
    destination: { address: '198.51.100.2', port: 443 },
  });
  assert.equal(tcp4.toString('hex'), hex(SIG, '21 11 000c', 'c0000201 c6336402 dc04 01bb'));
  const udp6 = encodeProxyV2({
    command: 'proxy',
    transport: 'dgram',
    source: { address: '2001:db8::1', port: 4711 },
    destination: { address: '2001:db8::2', port: 53 },
  });
  assert.equal(
    udp6.toString('hex'),
    hex(SIG, '21 22 0024', '20010db8000000000000000000000001 20010db8000000000000000000000002 1267 0035'),
  );
});

test('UDP4 and TCP6, and the IPv4-mapped rules of v2', () => {
  const udp4 = encodeProxyV2({
    command: 'proxy',
    transport: 'dgram',
    source: { address: '::ffff:10.0.0.1', port: 5353 },
    destination: { address: '::ffff:10.0.0.2', port: 53 },
  });
  assert.equal(udp4.toString('hex'), hex(SIG, '21 12 000c', '0a000001 0a000002 14e9 0035'));
  // Captured from HAProxy 2.6 (`send-proxy-v2`, client 192.0.2.9 on a [::1] frontend) minus its TLVs.
  const mixed = encodeProxyV2({
    command: 'proxy',
    source: { address: '192.0.2.9', port: 40046 },
    destination: { address: '::1', port: 18002 },
  });
  assert.equal(
    mixed.toString('hex'),
    hex(SIG, '21 21 0024', '00000000000000000000ffffc0000209 00000000000000000000000000000001 9c6e 4652'),
  );
});

test('LOCAL without addresses (health checks) is family UNSPEC with length 0', () => {
  assert.equal(encodeProxyV2({ command: 'local' }).toString('hex'), hex(SIG, '20 00 0000'));
  assert.equal(encodeProxyV2({ command: 'proxy' }).toString('hex'), hex(SIG, '21 00 0000'));
});

test('Unix stream and datagram sockets: two NUL-padded 108-byte paths', () => {
  const pad = (path: string) => text(path).padEnd(216, '0');
  const stream = encodeProxyV2({
    command: 'proxy',
    source: { path: '/run/a.sock' },
    destination: { path: '/run/b.sock' },
  });
  assert.equal(stream.toString('hex'), hex(SIG, '21 31 00d8', pad('/run/a.sock'), pad('/run/b.sock')));
  const full = 'p'.repeat(108);
  const dgram = encodeProxyV2({
    command: 'proxy',
    transport: 'dgram',
    source: { path: full },
    destination: { path: '' },
  });
  assert.equal(dgram.toString('hex'), hex(SIG, '21 32 00d8', text(full), '00'.repeat(108)));
});

test('every TLV this codec names, in the order given', () => {
  const header = encodeProxyV2({
    command: 'proxy',
    source: { address: '192.0.2.1', port: 56324 },
    destination: { address: '198.51.100.2', port: 443 },
    tlvs: [
      { type: 'alpn', value: 'h2' },
      { type: 'authority', value: 'example.org' },
      { type: 'unique-id', value: Buffer.from('abc') },
      { type: 'noop', value: Buffer.alloc(2) },
      { type: 'netns', value: 'blue' },
      {
        type: 'ssl',
        client: 0x07,
        verify: 0,
        tlvs: [
          { type: 'version', value: 'TLSv1.3' },
          { type: 'cn', value: 'client' },
          { type: 'cipher', value: 'TLS_AES_128_GCM_SHA256' },
          { type: 'sig-alg', value: 'RSA-SHA256' },
          { type: 'key-alg', value: 'RSA2048' },
        ],
      },
      { type: 'raw', code: 0xea, value: Buffer.from('\x01vpce-1', 'latin1') },
    ],
  });
  assert.equal(
    header.toString('hex'),
    hex(
      SIG,
      '21 11 0086',
      'c0000201 c6336402 dc04 01bb',
      `01 0002 ${text('h2')}`,
      `02 000b ${text('example.org')}`,
      `05 0003 ${text('abc')}`,
      '04 0002 0000',
      `30 0004 ${text('blue')}`,
      '20 0048 07 00000000',
      `21 0007 ${text('TLSv1.3')}`,
      `22 0006 ${text('client')}`,
      `23 0016 ${text('TLS_AES_128_GCM_SHA256')}`,
      `24 000a ${text('RSA-SHA256')}`,
      `25 0007 ${text('RSA2048')}`,
      `ea 0007 01 ${text('vpce-1')}`,
    ),
  );
});

test('CRC32C goes first and covers the whole header: byte for byte what HAProxy 2.6 sent', () => {
  // `send-proxy-v2 proxy-v2-options unique-id,crc32c`, unique-id-format weir-%ci-%cp, client 2001:db8::7:47734
  // (set by set-src) on a 127.0.0.1:18001 frontend.
  const header = encodeProxyV2({
    command: 'proxy',
    source: { address: '2001:db8::7', port: 47734 },
    destination: { address: '127.0.0.1', port: 18001 },
    crc32c: true,
    tlvs: [{ type: 'unique-id', value: Buffer.from('weir-2001:db8::7-47734') }],
  });
  assert.equal(
    header.toString('hex'),
    hex(
      SIG,
      '21 21 0044',
      '20010db8000000000000000000000007 00000000000000000000ffff7f000001 ba76 4651',
      '03 0004 862eb1d5',
      `05 0016 ${text('weir-2001:db8::7-47734')}`,
    ),
  );
  const mixed = encodeProxyV2({
    command: 'proxy',
    source: { address: '192.0.2.9', port: 40046 },
    destination: { address: '::1', port: 18002 },
    crc32c: true,
    tlvs: [{ type: 'unique-id', value: Buffer.from('weir-192.0.2.9-40046') }],
  });
  assert.equal(
    mixed.toString('hex'),
    hex(
      SIG,
      '21 21 0042',
      '00000000000000000000ffffc0000209 00000000000000000000000000000001 9c6e 4652',
      '03 0004 676d3b6f',
      `05 0014 ${text('weir-192.0.2.9-40046')}`,
    ),
  );
});

test('the header is one Buffer with every byte written, even when the pool it comes from held other bytes', () => {
  // allocUnsafe hands out pooled memory: fill the pool with 0xff first, then check no stray byte shows through.
  Buffer.allocUnsafe(4000).fill(0xff);
  const header = encodeProxyV2({ command: 'proxy', source: { path: '/a' }, destination: { path: '/b' }, crc32c: true });
  assert.equal(header.length, 16 + 216 + 7);
  assert.equal(
    header.subarray(16 + 2, 16 + 108).every((b) => b === 0),
    true,
  );
  assert.equal(
    header.subarray(16 + 108 + 2, 16 + 216).every((b) => b === 0),
    true,
  );
});

test('what v2 cannot carry is refused', () => {
  const ip = { source: { address: '192.0.2.1', port: 1 }, destination: { address: '192.0.2.2', port: 2 } };
  assert.throws(() => encodeProxyV2({ command: 'proxy', source: ip.source }), /both/);
  assert.throws(
    () => encodeProxyV2({ command: 'proxy', source: ip.source, destination: { path: '/b' } }),
    /both be IP/,
  );
  assert.throws(
    () => encodeProxyV2({ command: 'proxy', source: { path: 'é'.repeat(55) }, destination: { path: '' } }),
    /108/,
  );
  assert.throws(
    () => encodeProxyV2({ command: 'proxy', ...ip, tlvs: [{ type: 'unique-id', value: Buffer.alloc(129) }] }),
    /128/,
  );
  assert.throws(
    () => encodeProxyV2({ command: 'proxy', ...ip, tlvs: [{ type: 'raw', code: 0x03, value: Buffer.alloc(4) }] }),
    /raw TLV/,
  );
  assert.throws(
    () => encodeProxyV2({ command: 'proxy', ...ip, tlvs: [{ type: 'raw', code: 256, value: Buffer.alloc(0) }] }),
    /raw TLV/,
  );
  const rawSub = {
    type: 'ssl' as const,
    client: 0,
    verify: 0,
    tlvs: [{ type: 'raw' as const, code: 0x22, value: Buffer.alloc(0) }],
  };
  assert.throws(() => encodeProxyV2({ command: 'proxy', ...ip, tlvs: [rawSub] }), /raw SSL sub-TLV/);
  assert.throws(
    () => encodeProxyV2({ command: 'proxy', ...ip, tlvs: [{ type: 'ssl', client: 256, verify: 0, tlvs: [] }] }),
    /client is one byte/,
  );
  assert.throws(
    () => encodeProxyV2({ command: 'proxy', ...ip, tlvs: [{ type: 'ssl', client: 0, verify: -1, tlvs: [] }] }),
    /verify/,
  );
  assert.throws(
    () => encodeProxyV2({ command: 'proxy', ...ip, tlvs: [{ type: 'noop', value: Buffer.alloc(65536) }] }),
    /65535/,
  );
  const big = { type: 'noop' as const, value: Buffer.alloc(40_000) };
  assert.throws(() => encodeProxyV2({ command: 'proxy', ...ip, tlvs: [big, big] }), /exceeds 65535/);
});
