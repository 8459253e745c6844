import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fault } from '../faults.ts';
import type { OctaviaApiDeps } from './deps.ts';
import { resolveProvider } from './providers.ts';

const deps = {
  providers: [],
  unavailableProviders: new Map([['nat', 'weir must run as root.']]),
  defaultProvider: 'proxy',
} as unknown as OctaviaApiDeps;

test('a provider this node cannot run is refused with the reason', () => {
  assert.throws(
    () => resolveProvider(deps, 'nat'),
    (error: Error) =>
      error instanceof Fault &&
      error.status === 400 &&
      error.body.faultstring === "Provider 'nat' is not enabled. weir must run as root.",
  );
});

test("an unknown provider gets Octavia's message alone", () => {
  assert.throws(
    () => resolveProvider(deps, 'nope'),
    (error: Error) => error instanceof Fault && error.body.faultstring === "Provider 'nope' is not enabled.",
  );
});
