import assert from 'node:assert/strict';
import { SocketAddress } from 'node:net';
import { test } from 'node:test';
import { SeededRandom } from '../../../test/support/seeded-random.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip-text.ts';

const out = new Uint8Array(20);

function v6(text: string): string | undefined {
  out.fill(0xaa);
  return parseIpv6(text, out, 2) ? Buffer.from(out.subarray(2, 18)).toString('hex') : undefined;
}

test('IPv4: four decimal octets, no leading zeros, nothing else', () => {
  assert.ok(parseIpv4('192.0.2.1', out, 0));
  assert.deepEqual([...out.subarray(0, 4)], [192, 0, 2, 1]);
  assert.ok(parseIpv4('0.0.0.0', out, 0));
  assert.ok(parseIpv4('255.255.255.255', out, 0));
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.256',
    '01.2.3.4',
    '1.2.3.00',
    '1..3.4',
    '1.2.3.',
    '.1.2.3',
    '1.2.3.4 ',
    'a.b.c.d',
    '1.2.3.-4',
    '1234.1.1.1',
  ])
    assert.equal(parseIpv4(bad, out, 0), false, bad);
});

test('IPv6: groups, one ::, an IPv4 tail; written at the offset given, nothing around it touched', () => {
  assert.equal(v6('::'), '00000000000000000000000000000000');
  assert.equal(v6('::1'), '00000000000000000000000000000001');
  assert.equal(v6('1::'), '00010000000000000000000000000000');
  assert.equal(v6('2001:DB8::17'), '20010db8000000000000000000000017');
  assert.equal(v6('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
  assert.equal(v6('1:2:3::6:7:8'), '00010002000300000000000600070008');
  assert.equal(v6('::ffff:192.0.2.1'), '00000000000000000000ffffc0000201');
  assert.equal(v6('64:ff9b::1.2.3.4'), '0064ff9b000000000000000001020304');
  assert.equal(v6('1:2:3:4:5:6:1.2.3.4'), '00010002000300040005000601020304');
  assert.deepEqual([out[0], out[1], out[18], out[19]], [0xaa, 0xaa, 0xaa, 0xaa]);
  for (const bad of [
    '',
    ':',
    ':::',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '1:2:3:4::5:6:7:8',
    '12345::',
    ':1::',
    '1::2:',
    'g::',
    '::1.2.3',
    '::1.2.3.4:1',
    '1:2:3:4:5:6:7:1.2.3.4',
    'fe80::1%eth0',
    '::ffff:01.2.3.4',
    ' ::1',
  ])
    assert.equal(v6(bad), undefined, bad);
});

test('formatting is inet_ntop, checked against what Node itself prints for the same address', () => {
  const cases = [
    '::',
    '::1',
    '::2',
    '1::',
    '::ffff:0.0.0.0',
    '::1.2.3.4',
    '::ffff:1.2.3.4',
    '0:0:0:0:0:1:0:0',
    '1:0:1:0:0:1:0:1',
  ];
  const random = new SeededRandom(0x5eed);
  for (let i = 0; i < 2000; i++) {
    // Mostly zero groups, so runs, ties and the IPv4 forms come up often.
    const words = Array.from({ length: 8 }, () =>
      random.next() < 0.6 ? 0 : random.pick([1, 0xffff, random.int(0, 0xffff)]),
    );
    cases.push(words.map((w) => w.toString(16)).join(':'));
  }
  for (const text of cases) {
    assert.ok(parseIpv6(text, out, 0), text);
    assert.equal(formatIpv6(out, 0), new SocketAddress({ address: text, family: 'ipv6' }).address, text);
  }
  assert.equal(formatIpv4(Uint8Array.from([9, 10, 192, 0, 2, 255]), 2), '192.0.2.255');
});
