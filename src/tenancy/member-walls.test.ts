import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCidr } from '../network/cidr.ts';
import { parseIpAddress } from '../network/ip-address.ts';
import { LOOPBACK, networkHolding } from '../network/special-networks.ts';
import { ipMemberRefusal, type MemberWalls } from './member-walls.ts';

const ip = (text: string) => parseIpAddress(text)!;

/** Walls as noauth decides them: loopback allowed, nothing else; the API on 127.0.0.1:9876. */
const base: MemberWalls = {
  allowLoopback: true,
  allowLinkLocal: false,
  deniedNetworks: [parseCidr('10.250.0.0/16'), parseCidr('2001:db8:dead::/48')],
  unixSocketDirectories: [],
  ownEndpoints: () => [
    { address: ip('127.0.0.1'), port: 9876, name: "weir's API" },
    { address: ip('192.0.2.50'), port: 5432, name: "weir's state store" },
  ],
  isLocalAddress: (address) =>
    networkHolding(LOOPBACK, address) !== undefined ||
    ['192.0.2.10', '2001:db8::10'].some((t) => ip(t).version === address.version && ip(t).value === address.value),
};

const cases: [string, Partial<MemberWalls>, string, number, RegExp | undefined][] = [
  ['an ordinary address', {}, '10.0.0.5', 80, undefined],
  ['an ordinary IPv6 address', {}, '2001:db8::5', 80, undefined],
  ['loopback, allowed', {}, '127.0.0.5', 80, undefined],
  ['loopback, refused', { allowLoopback: false }, '127.0.0.5', 80, /loopback/],
  ['IPv6 loopback, refused', { allowLoopback: false }, '::1', 80, /loopback/],
  ['v4-mapped loopback, refused', { allowLoopback: false }, '::ffff:127.0.0.1', 80, /loopback/],
  ['link-local metadata service', {}, '169.254.169.254', 80, /link-local.*metadata/],
  ['v4-mapped metadata service', {}, '::ffff:169.254.169.254', 80, /link-local/],
  ['IPv6 link-local', {}, 'fe80::1', 80, /link-local/],
  ['link-local, allowed', { allowLinkLocal: true }, '169.254.169.254', 80, undefined],
  ['IPv6 link-local, allowed', { allowLinkLocal: true }, 'fe80::1', 80, undefined],
  ['unspecified IPv4', {}, '0.0.0.0', 80, /unspecified/],
  ['"this network" IPv4', {}, '0.1.2.3', 80, /unspecified/],
  ['unspecified IPv6', {}, '::', 80, /unspecified/],
  ['v4-mapped unspecified', {}, '::ffff:0.0.0.0', 80, /unspecified/],
  ['multicast IPv4', {}, '224.0.0.1', 80, /multicast/],
  ['multicast IPv6', {}, 'ff02::1', 80, /multicast/],
  ['broadcast', {}, '255.255.255.255', 80, /broadcast/],
  ['v4-mapped broadcast', {}, '::ffff:255.255.255.255', 80, /broadcast/],
  ['a denied network', {}, '10.250.3.4', 80, /10\.250\.0\.0\/16, a network members may not reach/],
  ['a denied network, v4-mapped', {}, '::ffff:10.250.3.4', 80, /10\.250\.0\.0\/16/],
  ['a denied IPv6 network', {}, '2001:db8:dead::1', 80, /2001:db8:dead::\/48/],
  ['next to a denied network', {}, '10.251.0.1', 80, undefined],
  ["weir's API", {}, '127.0.0.1', 9876, /port 9876 there is weir's API/],
  ["weir's API, v4-mapped", {}, '::ffff:127.0.0.1', 9876, /weir's API/],
  ["another port on weir's host", {}, '127.0.0.1', 9877, undefined],
  ["another loopback address on the API's port", {}, '127.0.0.2', 9876, undefined],
  ["weir's store", {}, '192.0.2.50', 5432, /weir's state store/],
];

describe('member walls', () => {
  for (const [name, walls, address, port, refusal] of cases) {
    test(name, () => {
      const reason = ipMemberRefusal({ ...base, ...walls }, ip(address), port);
      if (refusal === undefined) assert.equal(reason, undefined);
      else assert.match(reason ?? '', refusal);
    });
  }

  const listening = (host: string): MemberWalls => ({
    ...base,
    ownEndpoints: () => [{ address: ip(host), port: 9876, name: "weir's API" }],
  });
  const wildcard: [string, string, string, boolean][] = [
    ['0.0.0.0', '192.0.2.10', 'a local IPv4 address', true],
    ['0.0.0.0', '127.0.0.9', 'any loopback address', true],
    ['0.0.0.0', '::ffff:192.0.2.10', 'a local address, v4-mapped', true],
    ['0.0.0.0', '192.0.2.11', 'an address of another host', false],
    ['0.0.0.0', '2001:db8::10', 'a local IPv6 address (0.0.0.0 takes IPv4 only)', false],
    ['::', '2001:db8::10', 'a local IPv6 address', true],
    ['::', '192.0.2.10', 'a local IPv4 address (:: is dual-stack)', true],
    ['::', '2001:db8::11', 'an IPv6 address of another host', false],
  ];
  for (const [host, address, what, refused] of wildcard) {
    test(`listening on ${host}: ${what}`, () => {
      const reason = ipMemberRefusal(listening(host), ip(address), 9876);
      if (refused) assert.match(reason ?? '', /weir's API/);
      else assert.equal(reason, undefined);
      assert.equal(ipMemberRefusal(listening(host), ip(address), 9877), undefined);
    });
  }
});
