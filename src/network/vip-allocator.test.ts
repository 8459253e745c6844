import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fault } from '../api/faults.ts';
import { resolveSubnet } from './subnet.ts';
import { allocateVip } from './vip-allocator.ts';

const publicSubnet = resolveSubnet({
  name: 'public',
  cidr: '192.0.2.0/24',
  gateway_ip: '192.0.2.1',
  allocation_pools: [
    { start: '192.0.2.10', end: '192.0.2.11' },
    { start: '192.0.2.50', end: '192.0.2.50' },
  ],
});

function fault(status: number, text: RegExp) {
  return (error: unknown) => error instanceof Fault && error.status === status && text.test(error.message);
}

test('without a request the first free address of the pools is used, in pool order', () => {
  assert.equal(allocateVip(publicSubnet, new Set()), '192.0.2.10');
  assert.equal(allocateVip(publicSubnet, new Set(['192.0.2.10'])), '192.0.2.11');
  assert.equal(allocateVip(publicSubnet, new Set(['192.0.2.10', '192.0.2.11'])), '192.0.2.50');
});

test('exhausted pools give a 409 that names the subnet', () => {
  assert.throws(
    () => allocateVip(publicSubnet, new Set(['192.0.2.10', '192.0.2.11', '192.0.2.50'])),
    fault(409, new RegExp(`^No more IP addresses available on subnet ${publicSubnet.id} \\(public\\)\\.$`)),
  );
});

test('a requested address inside the CIDR is honoured even outside the pools', () => {
  assert.equal(allocateVip(publicSubnet, new Set(), '192.0.2.200'), '192.0.2.200');
});

test('a requested address that is taken is a 409', () => {
  assert.throws(
    () => allocateVip(publicSubnet, new Set(['192.0.2.200']), '192.0.2.200'),
    fault(409, new RegExp(`^IP address 192\\.0\\.2\\.200 is already allocated on subnet ${publicSubnet.id}\\.$`)),
  );
  assert.throws(() => allocateVip(publicSubnet, new Set(), '192.0.2.1'), fault(409, /already allocated/));
});

test('a requested address outside the CIDR, or not an address, is a 400', () => {
  assert.throws(
    () => allocateVip(publicSubnet, new Set(), '198.51.100.1'),
    fault(400, /^IP address 198\.51\.100\.1 is not a valid IP for subnet .* \(192\.0\.2\.0\/24\)\.$/),
  );
  assert.throws(() => allocateVip(publicSubnet, new Set(), '2001:db8::1'), fault(400, /not a valid IP for subnet/));
  assert.throws(() => allocateVip(publicSubnet, new Set(), 'nope'), fault(400, /vip_address. Value: 'nope'/));
  assert.throws(() => allocateVip(publicSubnet, new Set(), '192.0.2.255'), fault(400, /broadcast/));
});

test('IPv6 addresses are compared and returned in canonical form', () => {
  const v6 = resolveSubnet({
    name: 'v6',
    cidr: '2001:db8::/64',
    allocation_pools: [{ start: '2001:db8::a', end: '2001:db8::ffff:ffff:ffff:ffff' }],
  });
  assert.equal(allocateVip(v6, new Set(['2001:0db8:0000:0000:0000:0000:0000:000a'])), '2001:db8::b');
  assert.equal(allocateVip(v6, new Set(), '2001:DB8:0:0::00ff'), '2001:db8::ff');
  assert.throws(() => allocateVip(v6, new Set(['2001:db8::ff']), '2001:db8:0::ff'), fault(409, /2001:db8::ff is/));
});

test('a /8 or an IPv6 /64 with many addresses in use is walked, not enumerated', () => {
  const wide = resolveSubnet({ name: 'wide', cidr: '10.0.0.0/8' });
  const inUse = new Set<string>();
  for (let i = 1; i <= 20_000; i++) inUse.add(`10.0.${i >> 8}.${i & 255}`);
  const started = performance.now();
  assert.equal(allocateVip(wide, inUse), '10.0.78.33');
  const v6 = resolveSubnet({ name: 'v6wide', cidr: 'fd00::/64' });
  assert.equal(allocateVip(v6, new Set(['fd00::1', 'fd00::2'])), 'fd00::3');
  assert.ok(performance.now() - started < 2_000);
});
