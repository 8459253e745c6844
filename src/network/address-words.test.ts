import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAddressWords, unmappedAddressText } from './address-words.ts';
import { formatIpAddress, parseIpAddress } from './ip-address.ts';
import { unmapIpv4 } from './ipv4-mapped.ts';

/** What ip-address.ts makes of `text`, in the words readAddressWords gives. */
function reference(text: string): string {
  const parsed = parseIpAddress(text);
  if (!parsed) return 'none';
  const address = unmapIpv4(parsed);
  const hex = address.value.toString(16).padStart(address.version === 4 ? 8 : 32, '0');
  return `${address.version} ${hex.match(/.{8}/g)!.join(' ')}`;
}

function read(text: string): string {
  const words = new Uint32Array(4);
  const version = readAddressWords(text, words);
  if (version === 0) return 'none';
  const used = version === 4 ? [words[0]!] : [...words];
  return `${version} ${used.map((w) => w.toString(16).padStart(8, '0')).join(' ')}`;
}

const accepted = [
  '0.0.0.0',
  '192.0.2.1',
  '255.255.255.255',
  '10.0.0.0',
  '::',
  '::1',
  '1::',
  '2001:db8::17',
  '2001:DB8:0:0:8:800:200C:417A',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8',
  '1:2:3:4:5:6:1.2.3.4',
  '::ffff:192.0.2.1',
  '::FFFF:192.0.2.1',
  '::ffff:c000:201',
  '0:0:0:0:0:ffff:192.0.2.1',
  'fe80::1',
  '8000::',
];
const refused = [
  '',
  '1.2.3',
  '1.2.3.4.5',
  '256.0.0.1',
  '01.2.3.4',
  '1.2.3.04',
  '127.1',
  '0x7f.0.0.1',
  '1.2.3.',
  '.1.2.3',
  ' 1.2.3.4',
  '1.2.3.4 ',
  ':',
  ':::',
  '1:::2',
  '1::2::3',
  ':1::',
  '1:',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:8::',
  '12345::',
  'g::',
  'fe80::1%eth0',
  '::ffff:1.2.3',
  '::ffff:1.2.3.4:5',
  '1:2:3:4:5:6:7:1.2.3.4',
  '1.2.3.4::',
  '[::1]',
  'localhost',
];

test('addresses read as ip-address.ts reads them, IPv4-mapped ones as IPv4', () => {
  for (const text of [...accepted, ...refused]) assert.equal(read(text), reference(text), text);
  for (const text of accepted) assert.notEqual(read(text), 'none', text);
  for (const text of refused) assert.equal(read(text), 'none', text);
});

test('an IPv4 tail is read as RFC 4291 writes it, where ipaddr.js is lenient', () => {
  assert.equal(read('::1.2.3.4'), '6 00000000 00000000 00000000 01020304');
  assert.equal(reference('::1.2.3.4'), '4 01020304');
  assert.equal(read('::ffff:01.2.3.4'), 'none');
  assert.notEqual(reference('::ffff:01.2.3.4'), 'none');
});

test('random addresses in every written form read as ip-address.ts reads them', () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let n = 0; n < 2000; n++) {
    // Runs of zero groups are likely, so `::` lands everywhere.
    const groups = Array.from({ length: 8 }, () => (random() < 0.4 ? 0 : Math.floor(random() * 0x10000)));
    if (random() < 0.2) groups.splice(0, 6, 0, 0, 0, 0, 0, 0xffff);
    const value = groups.reduce((v, g) => (v << 16n) | BigInt(g), 0n);
    const canonical = formatIpAddress({ version: 6, value });
    const full = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
    for (const text of [canonical, canonical.toUpperCase(), full, groups.map((g) => g.toString(16)).join(':')]) {
      assert.equal(read(text), reference(text), text);
    }
    const v4 = formatIpAddress({ version: 4, value: BigInt(Math.floor(random() * 2 ** 32)) });
    for (const text of [v4, `::ffff:${v4}`, `::FFFF:${v4}`]) assert.equal(read(text), reference(text), text);
  }
});

test('unmappedAddressText writes IPv4-mapped addresses as IPv4 and leaves others as they are', () => {
  assert.equal(unmappedAddressText('::ffff:192.0.2.60'), '192.0.2.60');
  assert.equal(unmappedAddressText('::ffff:c000:23c'), '192.0.2.60');
  assert.equal(unmappedAddressText('192.0.2.60'), '192.0.2.60');
  assert.equal(unmappedAddressText('2001:db8::17'), '2001:db8::17');
  assert.equal(unmappedAddressText('::1'), '::1');
  assert.equal(unmappedAddressText('fe80::1%eth0'), undefined);
  assert.equal(unmappedAddressText(''), undefined);
});
