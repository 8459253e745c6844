import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientKey, clientSubnetReply, parseClientSubnet } from './client-subnet.ts';

const option = (family: number, source: number, scope: number, ...address: number[]) =>
  Buffer.from([family >> 8, family & 0xff, source, scope, ...address]);

test('an ECS option parses to family, source prefix and the address bytes it needs', () => {
  assert.deepEqual(parseClientSubnet(option(1, 24, 0, 198, 51, 100)), {
    family: 1,
    sourcePrefixLength: 24,
    address: Buffer.from([198, 51, 100]),
  });
  assert.deepEqual(parseClientSubnet(option(2, 0, 0)), { family: 2, sourcePrefixLength: 0, address: Buffer.alloc(0) });
});

test('malformed ECS options are named (FORMERR, RFC 7871)', () => {
  assert.match(String(parseClientSubnet(option(3, 8, 0, 10))), /family 3/);
  assert.match(String(parseClientSubnet(option(1, 33, 0, 1, 2, 3, 4, 5))), /too long/);
  assert.match(String(parseClientSubnet(option(1, 24, 8, 198, 51, 100))), /scope/);
  assert.match(String(parseClientSubnet(option(1, 24, 0, 198, 51, 100, 0))), /length/);
  assert.match(String(parseClientSubnet(option(1, 23, 0, 198, 51, 101))), /bits set beyond/);
  assert.match(String(parseClientSubnet(Buffer.from([0, 1, 24]))), /shorter/);
});

test('the client key follows the subnet when one is given with a prefix, else the resolver', () => {
  const subnet = parseClientSubnet(option(1, 24, 0, 198, 51, 100));
  const other = parseClientSubnet(option(1, 24, 0, 198, 51, 101));
  const none = parseClientSubnet(option(1, 0, 0));
  assert.ok(typeof subnet === 'object' && typeof other === 'object' && typeof none === 'object');
  assert.equal(clientKey(subnet, '192.0.2.1'), clientKey(subnet, '192.0.2.2'), 'the resolver does not matter');
  assert.notEqual(clientKey(subnet, '192.0.2.1'), clientKey(other, '192.0.2.1'));
  assert.equal(clientKey(none, '192.0.2.1'), clientKey(undefined, '192.0.2.1'), 'a /0 subnet says nothing');
  assert.notEqual(clientKey(undefined, '192.0.2.1'), clientKey(undefined, '192.0.2.2'));
});

test('the reply echoes family, source prefix and address with the scope given', () => {
  const subnet = parseClientSubnet(option(1, 24, 0, 198, 51, 100));
  assert.ok(typeof subnet === 'object');
  assert.deepEqual(clientSubnetReply(subnet, 24), option(1, 24, 24, 198, 51, 100));
  assert.deepEqual(clientSubnetReply(subnet, 0), option(1, 24, 0, 198, 51, 100));
});
