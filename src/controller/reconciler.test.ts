import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from 'node:test';
import { noopDriver } from '../dataplanes/noop/noop-driver.ts';
import { DriverRegistry } from '../dataplanes/registry.ts';
import { HealthChecker } from '../health/health-checker.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { Reconciler } from './reconciler.ts';

// The audit trail ties commits to requests by async context; the controller's own writes must not inherit it.
test("the reconciler's writes do not run in the async context of the commit that set them off", async () => {
  const store = await SqliteStore.open(':memory:');
  const reconciler = new Reconciler(
    store,
    new DriverRegistry([noopDriver]),
    { subnets: [], maxConnectionsPerLoadBalancer: 0 },
    { info() {}, error() {} },
    new HealthChecker(),
  );
  await reconciler.start();
  const request = new AsyncLocalStorage<string>();
  const contexts: (string | undefined)[] = [];
  store.onCommit(() => contexts.push(request.getStore()));

  const lb = { id: 'lb1', project_id: 'p1', provider: 'noop', provisioning_status: 'PENDING_CREATE' };
  await request.run('request', () => store.transaction((writer) => writer.insert('loadbalancer', lb)));
  await reconciler.idle();
  await reconciler.stop();
  await store.close();

  assert.ok(contexts.length >= 2, `the reconciler wrote nothing: ${contexts}`);
  assert.deepEqual(contexts, ['request', ...contexts.slice(1).map(() => undefined)]);
});
