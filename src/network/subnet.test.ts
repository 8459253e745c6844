import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkIdFor, subnetIdFor } from './stable-id.ts';
import { resolveSubnet, resolveSubnets } from './subnet.ts';

test('with no subnets configured there is exactly the local loopback subnet', () => {
  const subnets = resolveSubnets([]);
  assert.equal(subnets.length, 1);
  assert.deepEqual(subnets[0], {
    id: subnetIdFor('local'),
    name: 'local',
    networkId: networkIdFor('local'),
    networkName: 'local',
    cidr: '127.0.0.0/8',
    ipVersion: 4,
    allocationPools: [{ start: '127.0.100.1', end: '127.0.100.254' }],
    gatewayIp: null,
    interface: null,
    projects: null,
  });
});

test('a subnet joins the network it names, canonicalises addresses and gets a pool when none is given', () => {
  const subnet = resolveSubnet({
    name: 'v6',
    cidr: '2001:db8:0::/64',
    gateway_ip: '2001:db8:0:0::1',
    network_name: 'public',
    interface: 'eth0',
  });
  assert.equal(subnet.networkId, networkIdFor('public'));
  assert.equal(subnet.cidr, '2001:db8::/64');
  assert.equal(subnet.gatewayIp, '2001:db8::1');
  assert.deepEqual(subnet.allocationPools, [{ start: '2001:db8::1', end: '2001:db8::ffff:ffff:ffff:ffff' }]);
  assert.deepEqual(resolveSubnet({ name: 'n', cidr: '198.51.100.0/24' }).allocationPools, [
    { start: '198.51.100.1', end: '198.51.100.254' },
  ]);
  assert.deepEqual(resolveSubnet({ name: 'h', cidr: '198.51.100.7/32' }).allocationPools, [
    { start: '198.51.100.7', end: '198.51.100.7' },
  ]);
});
