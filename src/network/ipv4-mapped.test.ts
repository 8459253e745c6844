import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCidr } from './cidr.ts';
import { formatIpAddress, parseIpAddress } from './ip-address.ts';
import { unmapIpv4, unmapIpv4Cidr } from './ipv4-mapped.ts';

const unmapped = (text: string) => formatIpAddress(unmapIpv4(parseIpAddress(text)!));

test('an IPv4-mapped address is the IPv4 address it embeds; others are unchanged', () => {
  assert.equal(unmapped('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(unmapped('::ffff:a9fe:a9fe'), '169.254.169.254');
  assert.equal(unmapped('::1'), '::1');
  assert.equal(unmapped('::ffff:0:7f00:1'), '::ffff:0:7f00:1');
  assert.equal(unmapped('10.0.0.1'), '10.0.0.1');
});

test('a network written in the mapped range is the IPv4 network it covers', () => {
  assert.equal(unmapIpv4Cidr(parseCidr('::ffff:10.0.0.0/104')).text, '10.0.0.0/8');
  assert.equal(unmapIpv4Cidr(parseCidr('::ffff:192.0.2.7/128')).text, '192.0.2.7/32');
  assert.equal(unmapIpv4Cidr(parseCidr('::/64')).text, '::/64');
  assert.equal(unmapIpv4Cidr(parseCidr('2001:db8::/32')).text, '2001:db8::/32');
});
