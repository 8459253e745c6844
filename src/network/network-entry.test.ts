import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNetworkEntry } from './network-entry.ts';

test('a network entry is a CIDR or a single address, IPv4-mapped ones as IPv4', () => {
  const texts = [
    '10.0.0.0/8',
    '192.0.2.7',
    '2001:db8::1',
    '2001:db8::/32',
    '::ffff:198.51.100.0/120',
    '::ffff:1.2.3.4',
  ];
  assert.deepEqual(
    texts.map((entry) => parseNetworkEntry(entry).text),
    ['10.0.0.0/8', '192.0.2.7/32', '2001:db8::1/128', '2001:db8::/32', '198.51.100.0/24', '1.2.3.4/32'],
  );
});

test('an entry that is neither says so', () => {
  assert.throws(() => parseNetworkEntry('proxy.example'), /"proxy.example" is neither an IP address nor a CIDR/);
  assert.throws(() => parseNetworkEntry('10.0.0.1/8'), /host bits set/);
});
