// Inputs are written out by hand from proxy-protocol.txt, or were captured from HAProxy 2.6.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProxyHeader, type ProxyDecodeOptions } from './decode.ts';
import type { ProxyDecodeErrorReason } from './decode-result.ts';
import type { ProxyHeader } from './header.ts';

const SIG = '0d0a0d0a000d0a515549540a';
const text = (value: string) => Buffer.from(value, 'latin1').toString('hex');
const bytes = (...hexParts: string[]) => Buffer.from(hexParts.join('').replaceAll(' ', ''), 'hex');

function decoded(input: Buffer, options?: ProxyDecodeOptions): { header: ProxyHeader; consumed: number; rest: string } {
  const result = decodeProxyHeader(input, options);
  assert.equal(result.status, 'header', JSON.stringify(result));
  if (result.status !== 'header') throw new Error('unreachable');
  return { header: result.header, consumed: result.consumed, rest: result.rest.toString('latin1') };
}

function refused(input: Buffer, reason: ProxyDecodeErrorReason, options?: ProxyDecodeOptions): void {
  const result = decodeProxyHeader(input, options);
  assert.equal(result.status, 'error', `${input.toString('hex')}: ${JSON.stringify(result)}`);
  if (result.status === 'error') {
    assert.equal(result.reason, reason, result.message);
    assert.ok(result.message.length > 0);
  }
}

const needsMore = (input: Buffer, options?: ProxyDecodeOptions) =>
  assert.equal(decodeProxyHeader(input, options).status, 'need-more', input.toString('hex'));

test('v1 TCP4, TCP6 and UNKNOWN lines, and the payload after them', () => {
  const tcp4 = decoded(Buffer.from('PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\nGET / HTTP/1.1\r\n'));
  assert.deepEqual(tcp4.header, {
    version: 1,
    command: 'proxy',
    family: 'inet',
    transport: 'stream',
    source: { address: '192.0.2.1', port: 56324 },
    destination: { address: '198.51.100.2', port: 443 },
    tlvs: [],
    crc32c: false,
  });
  assert.equal(tcp4.consumed, 45);
  assert.equal(tcp4.rest, 'GET / HTTP/1.1\r\n');
  // What HAProxy sends for a mixed pair; addresses come back as inet_ntop (and Node) writes them.
  const tcp6 = decoded(Buffer.from('PROXY TCP6 2001:DB8:0::7 ::ffff:7f00:1 43014 18001\r\n'));
  assert.equal(tcp6.header.family, 'inet6');
  assert.deepEqual(tcp6.header.source, { address: '2001:db8::7', port: 43014 });
  assert.deepEqual(tcp6.header.destination, { address: '::ffff:127.0.0.1', port: 18001 });
  assert.equal(tcp6.rest, '');
  for (const unknown of ['PROXY UNKNOWN\r\n', 'PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n']) {
    const { header, consumed } = decoded(Buffer.from(`${unknown}x`));
    assert.deepEqual(header, { version: 1, command: 'proxy', family: 'unspec', tlvs: [], crc32c: false });
    assert.equal(consumed, unknown.length);
  }
});

test('v2 headers HAProxy 2.6 sent with CRC32C and UNIQUE_ID: TCP6 with mapped addresses, mixed', () => {
  const mapped = decoded(
    bytes(
      SIG,
      '21 21 0049',
      '00000000000000000000ffff7f000001 00000000000000000000ffff7f000001 b166 4652',
      '03 0004 a8545c65',
      `05 001b ${text('weir-::ffff:127.0.0.1-45414')}`,
      text('GET'),
    ),
  );
  assert.deepEqual(mapped.header, {
    version: 2,
    command: 'proxy',
    family: 'inet6',
    transport: 'stream',
    source: { address: '::ffff:127.0.0.1', port: 45414 },
    destination: { address: '::ffff:127.0.0.1', port: 18002 },
    tlvs: [{ type: 'unique-id', value: Buffer.from('weir-::ffff:127.0.0.1-45414') }],
    crc32c: true,
  });
  assert.equal(mapped.consumed, 16 + 0x49);
  assert.equal(mapped.rest, 'GET');
  const mixed = decoded(
    bytes(
      SIG,
      '21 21 0042',
      '00000000000000000000ffffc0000209 00000000000000000000000000000001 9c6e 4652',
      '03 0004 676d3b6f',
      `05 0014 ${text('weir-192.0.2.9-40046')}`,
    ),
  );
  assert.deepEqual(mixed.header.source, { address: '::ffff:192.0.2.9', port: 40046 });
  assert.deepEqual(mixed.header.destination, { address: '::1', port: 18002 });
});

test('v2 TCP4, UDP4, UDP6, UNIX, LOCAL and every named TLV', () => {
  const tcp4 = decoded(
    bytes(
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
  assert.deepEqual(tcp4.header.tlvs, [
    { type: 'alpn', value: 'h2' },
    { type: 'authority', value: 'example.org' },
    { type: 'unique-id', value: Buffer.from('abc') },
    { type: 'noop', value: Buffer.alloc(2) },
    { type: 'netns', value: 'blue' },
    {
      type: 'ssl',
      client: 7,
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
  ]);
  assert.deepEqual(tcp4.header.source, { address: '192.0.2.1', port: 56324 });

  const udp4 = decoded(bytes(SIG, '21 12 000c', '0a000001 0a000002 14e9 0035'));
  assert.equal(udp4.header.transport, 'dgram');
  assert.deepEqual(udp4.header.destination, { address: '10.0.0.2', port: 53 });
  const udp6 = decoded(
    bytes(SIG, '21 22 0024', '20010db8000000000000000000000001 20010db8000000000000000000000002 1267 0035'),
  );
  assert.equal(udp6.header.family, 'inet6');
  assert.deepEqual(udp6.header.source, { address: '2001:db8::1', port: 4711 });

  const unix = decoded(bytes(SIG, '21 31 00d8', text('/run/a.sock').padEnd(216, '0'), text('p'.repeat(108))));
  assert.deepEqual([unix.header.family, unix.header.transport], ['unix', 'stream']);
  assert.deepEqual(unix.header.source, { path: '/run/a.sock' });
  assert.deepEqual(unix.header.destination, { path: 'p'.repeat(108) });

  // LOCAL (a health check): the receiver uses the real endpoints. Also PROXY over UNSPEC, with a NOOP TLV.
  assert.deepEqual(decoded(bytes(SIG, '20 00 0000')).header, {
    version: 2,
    command: 'local',
    family: 'unspec',
    tlvs: [],
    crc32c: false,
  });
  assert.deepEqual(decoded(bytes(SIG, '21 00 0004', '04 0001 00')).header.tlvs, [
    { type: 'noop', value: Buffer.alloc(1) },
  ]);
  // An empty SSL TLV (no sub-TLVs) and unknown SSL sub-TLVs.
  const ssl = decoded(bytes(SIG, '21 00 000e', '20 000b 01 00000002 99 0003 616263'));
  assert.deepEqual(ssl.header.tlvs, [
    { type: 'ssl', client: 1, verify: 2, tlvs: [{ type: 'raw', code: 0x99, value: Buffer.from('abc') }] },
  ]);
});

test('TLV values are copies: the decoded header does not hold on to the bytes it was read from', () => {
  const input = bytes(SIG, '21 00 0006', `05 0003 ${text('abc')}`);
  const { header } = decoded(input);
  input.fill(0);
  assert.deepEqual(header.tlvs, [{ type: 'unique-id', value: Buffer.from('abc') }]);
});

test('refused: bytes that begin no PROXY header, as soon as one byte shows it', () => {
  refused(Buffer.from('G'), 'not-proxy-protocol');
  refused(Buffer.from('GET / HTTP/1.1\r\n'), 'not-proxy-protocol');
  refused(Buffer.from('PROXX'), 'not-proxy-protocol');
  refused(Buffer.from('proxy TCP4'), 'not-proxy-protocol');
  refused(bytes('0d0a0d0a01'), 'not-proxy-protocol');
  refused(bytes('0d0a0d0a000d0a515549540b'), 'not-proxy-protocol');
  needsMore(bytes('0d0a0d0a000d0a51554954'));
  needsMore(Buffer.alloc(0));
  needsMore(Buffer.from('PROXY'));
  needsMore(bytes('0d0a0d0a000d0a515549540a2111'));
});

test('refused: v1 lines over 107 bytes, malformed, with bad addresses or ports', () => {
  const long = `PROXY ${'x'.repeat(101)}`;
  needsMore(Buffer.from(long.slice(0, 106)));
  refused(Buffer.from(long), 'v1-too-long');
  refused(Buffer.from(`PROXY TCP6 ${'f'.repeat(100)}\r\n`), 'v1-too-long');
  for (const line of [
    'PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n',
    'PROXY TCP4 192.0.2.1 192.0.2.2 1\r2\r\n',
    'PROXY TCP5 192.0.2.1 192.0.2.2 1 2\r\n',
    'PROXY UDP4 192.0.2.1 192.0.2.2 1 2\r\n',
    'PROXY TCP4 192.0.2.1 192.0.2.2 1\r\n',
    'PROXY TCP4 192.0.2.1 192.0.2.2 1 2 3\r\n',
    'PROXY TCP4  192.0.2.1 192.0.2.2 1 2\r\n',
    'PROXY TCP4 192.0.2.1 192.0.2.2 1 2 \r\n',
    'PROXY UNKNOWNX\r\n',
    'PROXY \r\n',
  ])
    refused(Buffer.from(line), 'v1-malformed');
  for (const line of [
    'PROXY TCP4 2001:db8::1 192.0.2.2 1 2\r\n',
    'PROXY TCP6 192.0.2.1 2001:db8::1 1 2\r\n',
    'PROXY TCP4 192.0.2.01 192.0.2.2 1 2\r\n',
    'PROXY TCP4 192.0.2.1 localhost 1 2\r\n',
    'PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n',
  ])
    refused(Buffer.from(line), 'v1-bad-address');
  for (const line of [
    'PROXY TCP4 192.0.2.1 192.0.2.2 65536 2\r\n',
    'PROXY TCP4 192.0.2.1 192.0.2.2 1 -2\r\n',
    'PROXY TCP4 192.0.2.1 192.0.2.2 1 +2\r\n',
    'PROXY TCP4 192.0.2.1 192.0.2.2 123456 2\r\n',
    'PROXY TCP4 192.0.2.1 192.0.2.2 0x10 2\r\n',
  ])
    refused(Buffer.from(line), 'v1-bad-port');
});

test('refused: v2 version, command and family not in the spec, before the rest arrives', () => {
  for (const versionCommand of ['11', '31', 'f1', '01'])
    refused(bytes(SIG, versionCommand, '11 000c'), 'unsupported-version');
  for (const command of ['22', '2f']) refused(bytes(SIG, command, '11 000c'), 'unknown-command');
  for (const family of ['01', '10', '13', '23', '30', '33', '41', 'ff'])
    refused(bytes(SIG, '21', family, '000c'), 'unknown-family');
});

test("refused: a v2 length shorter than the family's addresses, or longer than the cap", () => {
  refused(bytes(SIG, '21 11 000b'), 'address-length');
  refused(bytes(SIG, '21 21 0023'), 'address-length');
  refused(bytes(SIG, '21 32 00d7'), 'address-length');
  refused(bytes(SIG, '20 11 0000'), 'address-length');
  refused(bytes(SIG, '21 11 ffff'), 'too-long');
  refused(bytes(SIG, '21 00 03f1'), 'too-long');
  needsMore(bytes(SIG, '21 00 03f0'));
  refused(bytes(SIG, '21 11 0010'), 'too-long', { maxV2Length: 16 + 15 });
  needsMore(bytes(SIG, '21 00 ffff'), { maxV2Length: 16 + 0xffff });
});

test('refused: TLVs that run past the header, or whose values are wrong for their type', () => {
  refused(bytes(SIG, '21 00 0002', '0400'), 'tlv-malformed');
  refused(bytes(SIG, '21 00 0005', '04 0003 0000'), 'tlv-malformed');
  refused(bytes(SIG, '21 11 000e', 'c0000201 c6336402 dc04 01bb 0400'), 'tlv-malformed');
  refused(bytes(SIG, '21 00 000a', '20 0007 00 00000000 21 00'), 'tlv-malformed');
  refused(bytes(SIG, '21 00 000b', '20 0008 00 00000000 21 0001'), 'tlv-malformed');
  refused(bytes(SIG, '21 00 0006', '03 0003 000000'), 'tlv-value');
  refused(bytes(SIG, '21 00 0007', '20 0004 00 000000'), 'tlv-value');
  refused(bytes(SIG, '21 00 0084', `05 0081 ${'61'.repeat(129)}`), 'tlv-value');
  needsMore(bytes(SIG, '21 00 0083', `05 0080 ${'61'.repeat(127)}`));
  assert.equal(decodeProxyHeader(bytes(SIG, '21 00 0083', `05 0080 ${'61'.repeat(128)}`)).status, 'header');
});

test('refused: a CRC32C that does not match, and a second CRC32C TLV', () => {
  const good = bytes(SIG, '21 21 0042', '00000000000000000000ffffc0000209 00000000000000000000000000000001 9c6e 4652');
  const tlvs = `03 0004 676d3b6f 05 0014 ${text('weir-192.0.2.9-40046')}`;
  assert.equal(decodeProxyHeader(Buffer.concat([good, bytes(tlvs)])).status, 'header');
  for (const at of [0, 13, 20, 16 + 36 + 3, 16 + 36 + 6, 16 + 0x42 - 1]) {
    if (at < 16 && at !== 13) continue;
    const corrupt = Buffer.concat([good, bytes(tlvs)]);
    corrupt[at]! ^= at === 13 ? 0x03 : 0x01;
    // Byte 13 becomes 0x22 (UDP6): still a valid family, so only the CRC can notice.
    refused(corrupt, 'crc32c-mismatch');
  }
  refused(bytes(SIG, '21 00 000e', '03 0004 00000000 03 0004 00000000'), 'tlv-value');
});
