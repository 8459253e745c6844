import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressSet } from './address-set.ts';

const proxies = addressSet([
  '10.0.0.0/8',
  '192.0.2.7',
  '198.51.100.128/25',
  '2001:db8:1::/48',
  '2001:db8::5',
  '::ffff:203.0.113.0/120',
  '2001:db8:fe00::/39',
]);

test('peers in a trusted network or at a trusted address are trusted, others not', () => {
  const cases: [string, boolean][] = [
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['11.0.0.0', false],
    ['9.255.255.255', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['198.51.100.128', true],
    ['198.51.100.255', true],
    ['198.51.100.127', false],
    ['2001:db8:1::1', true],
    ['2001:db8:1:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db8:2::1', false],
    ['2001:db8::5', true],
    ['2001:db8::6', false],
    ['2001:0DB8:0000:0000:0000:0000:0000:0005', true],
    // A /39 cuts through the second half of a word.
    ['2001:db8:fe00::', true],
    ['2001:db8:ffff:ffff::', true],
    ['2001:db8:fc00::', false],
  ];
  for (const [address, trusted] of cases) assert.equal(proxies.has(address), trusted, address);
});

test('IPv4-mapped peers match as IPv4, and mapped entries as the IPv4 networks they cover', () => {
  assert.equal(proxies.has('::ffff:10.1.2.3'), true);
  assert.equal(proxies.has('::ffff:11.1.2.3'), false);
  assert.equal(proxies.has('::ffff:192.0.2.7'), true);
  assert.equal(proxies.has('203.0.113.9'), true);
  assert.equal(proxies.has('::ffff:203.0.113.9'), true);
  // An IPv6 address whose low bits happen to spell a trusted IPv4 address is not that address.
  assert.equal(proxies.has('::a01:203'), false);
  assert.equal(proxies.has('64:ff9b::a01:203'), false);
});

test('anything that is not an address is not trusted', () => {
  for (const address of ['', 'unknown', '10.0.0.1:80', '[2001:db8::5]', 'fe80::1%eth0', '010.0.0.1', '10.1']) {
    assert.equal(proxies.has(address), false, address);
  }
});

test('an empty list holds nothing; a /0 holds every address of its family', () => {
  assert.equal(addressSet([]).has('10.0.0.1'), false);
  const everyone = addressSet(['0.0.0.0/0']);
  assert.equal(everyone.has('203.0.113.1'), true);
  assert.equal(everyone.has('::ffff:203.0.113.1'), true);
  assert.equal(everyone.has('2001:db8::1'), false);
  assert.equal(addressSet(['::/0']).has('2001:db8::1'), true);
});

test('entries the config loader would refuse are refused here too', () => {
  assert.throws(() => addressSet(['proxy.example']), /neither an IP address nor a CIDR/);
  assert.throws(() => addressSet(['10.0.0.1/8']), /host bits set/);
});
