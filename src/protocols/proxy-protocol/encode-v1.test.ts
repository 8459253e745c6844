import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProxyV1 } from './encode-v1.ts';

const line = (source: string, sourcePort: number, destination: string, destinationPort: number) =>
  encodeProxyV1({
    source: { address: source, port: sourcePort },
    destination: { address: destination, port: destinationPort },
  }).toString('latin1');

test('TCP4, TCP6 and UNKNOWN lines', () => {
  assert.equal(line('192.0.2.1', 56324, '198.51.100.2', 443), 'PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n');
  assert.equal(line('2001:db8::1', 4711, '2001:db8::2', 443), 'PROXY TCP6 2001:db8::1 2001:db8::2 4711 443\r\n');
  assert.equal(encodeProxyV1({}).toString('latin1'), 'PROXY UNKNOWN\r\n');
});

test('addresses are written as inet_ntop writes them, whatever form they were given in', () => {
  assert.equal(line('2001:DB8:0:0:0:0:0:1', 0, '0:0::1', 65535), 'PROXY TCP6 2001:db8::1 ::1 0 65535\r\n');
});

test('IPv4-mapped pairs (a dual-stack socket) go as TCP4; a mixed pair as TCP6 with the IPv4 side mapped', () => {
  assert.equal(line('::ffff:192.0.2.1', 1, '::ffff:198.51.100.2', 2), 'PROXY TCP4 192.0.2.1 198.51.100.2 1 2\r\n');
  assert.equal(line('::ffff:192.0.2.1', 1, '198.51.100.2', 2), 'PROXY TCP4 192.0.2.1 198.51.100.2 1 2\r\n');
  // Exactly the line HAProxy 2.6 sent with `send-proxy` for client 2001:db8::7 on a 127.0.0.1 frontend.
  assert.equal(
    line('2001:db8::7', 43014, '127.0.0.1', 18001),
    'PROXY TCP6 2001:db8::7 ::ffff:127.0.0.1 43014 18001\r\n',
  );
  assert.equal(line('::ffff:192.0.2.9', 40036, '::1', 18002), 'PROXY TCP6 ::ffff:192.0.2.9 ::1 40036 18002\r\n');
});

test('the longest line fits the 107 bytes a receiver reads', () => {
  const full = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
  assert.ok(
    encodeProxyV1({ source: { address: full, port: 65535 }, destination: { address: full, port: 65535 } }).length <=
      107,
  );
});

test('what v1 cannot carry is refused', () => {
  assert.throws(() => line('192.0.2.1', 65536, '192.0.2.2', 1), /not a port/);
  assert.throws(() => line('192.0.2.1', 1.5, '192.0.2.2', 1), /not a port/);
  assert.throws(() => line('192.0.2.1', 1, 'localhost', 1), /not an IP address/);
  assert.throws(() => encodeProxyV1({ source: { address: '192.0.2.1', port: 1 } }), /both/);
  assert.throws(() => encodeProxyV1({ source: { path: '/a' }, destination: { path: '/b' } }), /IP addresses only/);
});
