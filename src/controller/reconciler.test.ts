import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from 'node:test';
import { noopDriver } from '../dataplanes/noop/noop-driver.ts';
import { DriverRegistry } from '../dataplanes/registry.ts';
import { HealthChecker } from '../health/health-checker.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { ReconcileObserver, ReconcileResult } from './reconcile-observer.ts';
import { Reconciler, type ReconcilerLog } from './reconciler.ts';

/** A reconciler over `store` running the noop data plane only. */
function noopReconciler(store: SqliteStore, options: { log?: ReconcilerLog; observer?: ReconcileObserver } = {}) {
  const log = options.log ?? { info() {}, error() {} };
  const specSettings = { subnets: [], maxConnectionsPerLoadBalancer: 0 };
  const drivers = new DriverRegistry([noopDriver]);
  return new Reconciler(store, drivers, specSettings, log, new HealthChecker(), { observer: options.observer });
}

// The audit trail ties commits to requests by async context; the controller's own writes must not inherit it.
test("the reconciler's writes do not run in the async context of the commit that set them off", async () => {
  const store = await SqliteStore.open(':memory:');
  const reconciler = noopReconciler(store);
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

test('objects of a provider this node does not run can still be deleted; the rest goes to ERROR', async () => {
  const store = await SqliteStore.open(':memory:');
  const errors: string[] = [];
  const reconciler = noopReconciler(store, { log: { info() {}, error: (message) => errors.push(message) } });
  const lb = (id: string, status: string) => ({ id, project_id: 'p1', provider: 'nat', provisioning_status: status });
  const member = { id: 'm1', project_id: 'p1', loadbalancer_id: 'lb1', provisioning_status: 'PENDING_DELETE' };
  await store.transaction(async (writer) => {
    await writer.insert('loadbalancer', lb('lb1', 'PENDING_UPDATE'));
    await writer.insert('member', member);
    await writer.insert('loadbalancer', lb('lb2', 'PENDING_DELETE'));
  });
  await reconciler.start();
  await reconciler.idle();
  const [kept, gone, memberLeft] = await store.read((reader) =>
    Promise.all([reader.get('loadbalancer', 'lb1'), reader.get('loadbalancer', 'lb2'), reader.get('member', 'm1')]),
  );
  await reconciler.stop();
  await store.close();
  assert.equal(kept?.provisioning_status, 'ERROR');
  assert.equal(memberLeft, undefined, 'the member being deleted is gone');
  assert.equal(gone, undefined, 'the load balancer being deleted is gone');
  assert.match(errors[0] ?? '', /names provider nat, which this node does not run/);
});

/** Every run and revision pair the reconciler reports. */
class RecordingObserver implements ReconcileObserver {
  readonly runs: { driver: string; result: ReconcileResult; seconds: number }[] = [];
  last: { desired: number; applied: number } | undefined;

  reconciled(driver: string, result: ReconcileResult, seconds: number): void {
    this.runs.push({ driver, result, seconds });
  }

  revisions(desired: number, applied: number): void {
    this.last = { desired, applied };
  }

  /** The runs as `driver result`, without durations. */
  outcomes(): string[] {
    return this.runs.map((run) => `${run.driver} ${run.result}`);
  }
}

test('the observer hears of every run with its driver and result, and of desired and applied revisions', async () => {
  const store = await SqliteStore.open(':memory:');
  const observer = new RecordingObserver();
  const reconciler = noopReconciler(store, { observer });
  await reconciler.start();
  assert.deepEqual(observer.last, { desired: 0, applied: 0 });

  const lb = (id: string, provider: string) => ({
    id,
    project_id: 'p1',
    provider,
    provisioning_status: 'PENDING_CREATE',
  });
  await store.transaction((writer) => writer.insert('loadbalancer', lb('lb1', 'noop')));
  await reconciler.idle();
  // Applied; ACTIVE written, which queues one more run that finds nothing to do.
  assert.deepEqual(observer.outcomes(), ['noop applied', 'noop unchanged']);
  assert.ok(observer.runs.every((run) => run.seconds >= 0 && run.seconds < 60));
  const caughtUp = await store.revision();
  assert.deepEqual(observer.last, { desired: caughtUp, applied: caughtUp });

  // A provider this node does not run: the run fails (ERROR is written, and the run that queues fails too) and
  // holds the applied revision below the change.
  observer.runs.length = 0;
  await store.transaction((writer) => writer.insert('loadbalancer', lb('lb2', 'nat')));
  await reconciler.idle();
  assert.deepEqual(observer.outcomes(), ['none failed', 'none failed']);
  assert.deepEqual(observer.last, { desired: await store.revision(), applied: caughtUp });

  // Deleting it lets the applied revision catch up again.
  observer.runs.length = 0;
  await store.transaction(async (writer) => {
    const stored = await writer.get('loadbalancer', 'lb2');
    await writer.update('loadbalancer', { ...stored!, provisioning_status: 'PENDING_DELETE' });
  });
  await reconciler.idle();
  assert.deepEqual(observer.outcomes(), ['none removed', 'none removed']);
  const desired = await store.revision();
  assert.deepEqual(observer.last, { desired, applied: desired });
  await reconciler.stop();
  await store.close();
});
