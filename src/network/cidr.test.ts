import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrContains, parseCidr } from './cidr.ts';
import { parseIpAddress } from './ip-address.ts';

test('parseCidr reads IPv4 and IPv6 blocks in canonical form', () => {
  const v4 = parseCidr('192.0.2.0/24');
  assert.deepEqual([v4.version, v4.prefixLength, v4.text], [4, 24, '192.0.2.0/24']);
  assert.equal(v4.last - v4.first, 255n);
  const v6 = parseCidr('2001:0db8:0000::/64');
  assert.deepEqual([v6.version, v6.text], [6, '2001:db8::/64']);
  assert.equal(v6.last - v6.first, (1n << 64n) - 1n);
});

test('parseCidr explains what is wrong', () => {
  assert.throws(() => parseCidr('192.0.2.0'), /prefix length is missing/);
  assert.throws(() => parseCidr('192.0.2.0/33'), /from 0 to 32/);
  assert.throws(() => parseCidr('300.0.2.0/24'), /"300.0.2.0" is not an IP address/);
  assert.throws(() => parseCidr('192.0.2.5/24'), /host bits set; the network is 192.0.2.0\/24/);
  assert.throws(() => parseCidr('fe80::1%eth0/64'), /not an IP address/);
});

test('cidrContains respects the address family', () => {
  const cidr = parseCidr('10.0.0.0/8');
  assert.ok(cidrContains(cidr, parseIpAddress('10.255.255.255')!));
  assert.ok(!cidrContains(cidr, parseIpAddress('11.0.0.0')!));
  assert.ok(!cidrContains(cidr, parseIpAddress('::a00:1')!));
});

test('parseIpAddress refuses the shorthand IPv4 forms', () => {
  assert.equal(parseIpAddress('127.1'), undefined);
  assert.equal(parseIpAddress('0x7f.0.0.1'), undefined);
});
