import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { parseIpAddress } from '../network/ip-address.ts';
import { isLocalAddress } from './local-addresses.ts';

const ip = (text: string) => parseIpAddress(text)!;

test("loopback and this host's interface addresses are local; documentation addresses are not", () => {
  assert.equal(isLocalAddress(ip('127.0.0.1')), true);
  assert.equal(isLocalAddress(ip('127.45.6.7')), true);
  assert.equal(isLocalAddress(ip('::1')), true);
  assert.equal(isLocalAddress(ip('::ffff:127.0.0.1')), true);
  assert.equal(isLocalAddress(ip('192.0.2.123')), false);
  const own = Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .find((entry) => entry.family === 'IPv4' && !entry.internal);
  if (own) assert.equal(isLocalAddress(ip(own.address)), true);
});
