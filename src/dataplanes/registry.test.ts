import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartupError } from '../server/startup-error.ts';
import { DEFAULT_DRIVER_SETTINGS, type DriverFactory } from './driver.ts';
import { dsrDriver } from './nftables/dsr-driver.ts';
import { natDriver } from './nftables/nat-driver.ts';
import { noopDriver } from './noop/noop-driver.ts';
import { DriverRegistry } from './registry.ts';

const needsRoot: DriverFactory = {
  ...noopDriver,
  name: 'kernel',
  aliases: ['kernel_alias'],
  unavailable: () => 'weir must run as root.',
};

test('a provider this node cannot run is not created, and its names keep the reason', () => {
  const registry = new DriverRegistry([noopDriver, needsRoot]);
  assert.deepEqual(
    registry.providers.map((p) => p.name),
    ['noop', 'noop_driver'],
  );
  assert.equal(registry.find('kernel'), undefined);
  assert.deepEqual(
    [...registry.unavailable],
    [
      ['kernel', 'weir must run as root.'],
      ['kernel_alias', 'weir must run as root.'],
    ],
  );
});

test('an unavailable default provider stops start-up with the reason', () => {
  assert.throws(
    () => new DriverRegistry([noopDriver, needsRoot], undefined, 'kernel'),
    (error: Error) =>
      error instanceof StartupError &&
      error.message === 'server.default_provider: "kernel" cannot run here: weir must run as root.',
  );
});

test('with a tenancy connection cap, the kernel providers are not enabled, with the reason', () => {
  const registry = new DriverRegistry([noopDriver, natDriver, dsrDriver], {
    ...DEFAULT_DRIVER_SETTINGS,
    connectionCap: true,
  });
  const reason = 'tenancy.max_connections_per_load_balancer is set, and kernel load balancers cannot be held to it.';
  assert.equal(registry.unavailable.get('nat'), reason);
  assert.equal(registry.unavailable.get('dsr'), reason);
});
