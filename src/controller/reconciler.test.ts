import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from 'node:test';
import { DEFAULT_DRIVER_SETTINGS, type DriverFactory } from '../dataplanes/driver.ts';
import { noopDriver } from '../dataplanes/noop/noop-driver.ts';
import { DriverRegistry } from '../dataplanes/registry.ts';
import { HealthChecker } from '../health/health-checker.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { ReconcileObserver, ReconcileResult } from './reconcile-observer.ts';
import { Reconciler, type ReconcilerLog } from './reconciler.ts';

/** A reconciler over `store` running the noop data plane only, unless the test names its own. */
function noopReconciler(
  store: SqliteStore,
  options: {
    log?: ReconcilerLog;
    observer?: ReconcileObserver;
    drivers?: DriverFactory[];
    health?: HealthChecker;
  } = {},
) {
  const log = options.log ?? { info() {}, error() {} };
  const specSettings = { subnets: [], maxConnectionsPerLoadBalancer: 0 };
  const drivers = new DriverRegistry(options.drivers ?? [noopDriver]);
  const health = options.health ?? new HealthChecker();
  return new Reconciler(store, drivers, specSettings, log, health, { observer: options.observer });
}

/** The noop data plane, refusing every apply while `refusal` is set. */
const refusing = { refusal: undefined as string | undefined };
const refusingDriver: DriverFactory = {
  ...noopDriver,
  create: () => {
    const inner = noopDriver.create(DEFAULT_DRIVER_SETTINGS);
    return {
      ...inner,
      close: () => inner.close(),
      remove: (id, signal) => inner.remove(id, signal),
      setMemberHealth: (lb, member, up) => inner.setMemberHealth(lb, member, up),
      listenerStats: (id) => inner.listenerStats(id),
      apply: async (spec, signal) => {
        if (refusing.refusal !== undefined) throw new Error(refusing.refusal);
        await inner.apply(spec, signal);
      },
    };
  },
};

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

test('the last run of each load balancer says why its objects went to ERROR, until a later run settles them', async () => {
  const store = await SqliteStore.open(':memory:');
  const reconciler = noopReconciler(store, { drivers: [refusingDriver] });
  await reconciler.start();
  const pending = { project_id: 'p1', loadbalancer_id: 'lb1', provisioning_status: 'PENDING_CREATE' };
  refusing.refusal = 'listener l1 cannot listen on port 80: address in use';
  await store.transaction(async (writer) => {
    await writer.insert('loadbalancer', { id: 'lb1', provider: 'noop', ...pending });
    await writer.insert('listener', { id: 'l1', protocol: 'HTTP', protocol_port: 80, ...pending });
  });
  await reconciler.idle();
  const failed = reconciler.reports.of('lb1');
  assert.equal(failed?.result, 'failed');
  assert.equal(failed?.reason, 'provider noop: listener l1 cannot listen on port 80: address in use');
  assert.deepEqual(failed?.errors.map((e) => [e.kind, e.id, e.reason]).sort(), [
    ['listener', 'l1', 'provider noop: listener l1 cannot listen on port 80: address in use'],
    ['loadbalancer', 'lb1', 'provider noop: listener l1 cannot listen on port 80: address in use'],
  ]);

  refusing.refusal = undefined;
  await store.transaction(async (writer) => {
    for (const kind of ['loadbalancer', 'listener'] as const) {
      const stored = await writer.get(kind, kind === 'listener' ? 'l1' : 'lb1');
      await writer.update(kind, { ...stored!, provisioning_status: 'PENDING_UPDATE' });
    }
  });
  await reconciler.idle();
  assert.deepEqual(
    { ...reconciler.reports.of('lb1'), at: 0 },
    { at: 0, result: 'unchanged', reason: null, errors: [] },
    'the ACTIVE write queues one more run, which finds nothing to do',
  );
  await store.transaction(async (writer) => {
    const stored = await writer.get('loadbalancer', 'lb1');
    await writer.update('loadbalancer', { ...stored!, provisioning_status: 'PENDING_DELETE' });
  });
  await reconciler.idle();
  assert.equal(reconciler.reports.of('lb1'), undefined, 'a deleted load balancer leaves no report');
  await reconciler.stop();
  await store.close();
});

test('each member health change the checker reports is kept as a transition of its load balancer', async () => {
  const store = await SqliteStore.open(':memory:');
  const health = new HealthChecker();
  // The reconciler logs each change it took just before queuing a run for it.
  const taken: string[] = [];
  const reconciler = noopReconciler(store, { health, log: { info: (m) => taken.push(m), error() {} } });
  await store.transaction((writer) =>
    writer.insert('loadbalancer', { id: 'lb1', project_id: 'p1', provider: 'noop', provisioning_status: 'ACTIVE' }),
  );
  await reconciler.start();
  const change = { groupId: 'lb1', memberId: 'm1', reason: 'connection refused', at: 1_000 };
  health.emit('change', { ...change, from: 'UNKNOWN', status: 'DOWN' });
  health.emit('change', { ...change, from: 'DOWN', status: 'UP', reason: 'HTTP 200', at: 2_000 });
  for (let tries = 0; tries < 100 && taken.filter((m) => m.startsWith('member m1')).length < 2; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await reconciler.idle();
  assert.deepEqual(reconciler.healthTransitions.of('lb1'), [
    { at: 1_000, memberId: 'm1', from: 'UNKNOWN', to: 'DOWN', reason: 'connection refused' },
    { at: 2_000, memberId: 'm1', from: 'DOWN', to: 'UP', reason: 'HTTP 200' },
  ]);
  await reconciler.stop();
  await store.close();
});
