import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MonitorType } from '../model/constants.ts';
import type { HealthCheckObserver } from './health-check-observer.ts';
import { type HealthChange, HealthChecker } from './health-checker.ts';
import type { HealthProbe } from './health-probe.ts';
import type { MemberCheck } from './member-check.ts';
import type { ProbeTarget } from './monitor-spec.ts';
import { ProbeRegistry } from './probe-registry.ts';
import { monitorSpec } from './testing/monitor-spec-for-test.ts';
import { waitForChange } from './testing/wait-for-change.ts';

/** A TCP probe whose verdict per port the test sets, which records every call and how many overlap. */
class ScriptedProbe implements HealthProbe {
  readonly type = 'TCP' as const;
  readonly healthy = new Map<number, boolean>();
  readonly calls: { port: number; at: number }[] = [];
  readonly aborted: number[] = [];
  durationMs = 0;
  inFlight = 0;
  maxInFlight = 0;

  async probe(target: ProbeTarget, _spec: unknown, signal: AbortSignal) {
    const port = 'port' in target ? target.port : 0;
    this.calls.push({ port, at: performance.now() });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.durationMs > 0) await sleep(this.durationMs, undefined, { signal });
      if (port === 666) throw new Error('probe crashed');
      const ok = this.healthy.get(port) ?? true;
      return { ok, reason: ok ? `port ${port} fine` : `port ${port} broken`, latencyMs: this.durationMs };
    } catch (error) {
      if (signal.aborted) this.aborted.push(port);
      throw error;
    } finally {
      this.inFlight--;
    }
  }

  callsTo(port: number): number {
    return this.calls.filter((call) => call.port === port).length;
  }
}

const check = (memberId: string, port: number, overrides: Parameters<typeof monitorSpec>[0] = {}): MemberCheck => ({
  memberId,
  target: { address: '127.0.0.1', port },
  monitor: monitorSpec({ delay: 0.05, maxRetries: 2, maxRetriesDown: 2, ...overrides }),
});

describe('HealthChecker', () => {
  let checker: HealthChecker | undefined;
  let probe: ScriptedProbe;

  const start = (random = () => 0, observer?: HealthCheckObserver, now = () => 1_000): HealthChecker => {
    probe = new ScriptedProbe();
    const registry = new ProbeRegistry({ TCP: () => probe });
    checker = new HealthChecker({ registry, now, random, observer });
    return checker;
  };

  afterEach(() => {
    checker?.close();
    checker = undefined;
  });

  it('reports a member UP after its first success, with its status details', async () => {
    const health = start();
    const up = waitForChange(health, () => true, 1000);
    health.setChecks('lb-1', [check('m1', 1)]);
    assert.equal(health.status('m1')?.status, 'UNKNOWN');
    assert.deepEqual(await up, {
      groupId: 'lb-1',
      memberId: 'm1',
      from: 'UNKNOWN',
      status: 'UP',
      reason: 'port 1 fine',
      at: 1_000,
    });
    assert.deepEqual(health.status('m1'), {
      status: 'UP',
      since: 1_000,
      lastCheckAt: 1_000,
      lastOk: true,
      lastReason: 'port 1 fine',
      lastLatencyMs: 0,
      consecutiveSuccesses: 1,
      consecutiveFailures: 0,
    });
  });

  it('keeps the time a member took its status across results that do not change it, and tells the last result', async () => {
    let clock = 5_000;
    const health = start(undefined, undefined, () => clock);
    health.setChecks('lb-1', [check('m1', 1, { maxRetriesDown: 3 })]);
    assert.deepEqual([health.status('m1')?.since, health.status('m1')?.lastOk], [5_000, null]);
    clock = 6_000;
    await waitForChange(health, (change) => change.status === 'UP', 1000);
    clock = 7_000;
    probe.healthy.set(1, false);
    const deadline = Date.now() + 2000;
    while (health.status('m1')?.lastOk !== false && Date.now() < deadline) await sleep(5);
    assert.deepEqual(
      [health.status('m1')?.status, health.status('m1')?.since, health.status('m1')?.lastCheckAt],
      ['UP', 6_000, 7_000],
    );
    assert.equal(health.status('m1')?.lastReason, 'port 1 broken');
  });

  it('takes max_retries_down failures to go DOWN and max_retries successes to come back', async () => {
    const health = start();
    const events: HealthChange[] = [];
    health.on('change', (change) => events.push(change));
    health.setChecks('lb-1', [check('m1', 1, { maxRetries: 3, maxRetriesDown: 2 })]);
    await waitForChange(health, (change) => change.status === 'UP', 1000);
    probe.healthy.set(1, false);
    const callsBeforeFailing = probe.callsTo(1);
    await waitForChange(health, (change) => change.status === 'DOWN', 1000);
    assert.equal(probe.callsTo(1) - callsBeforeFailing, 2);
    probe.healthy.set(1, true);
    const callsBeforeHealing = probe.callsTo(1);
    await waitForChange(health, (change) => change.status === 'UP', 1000);
    assert.equal(probe.callsTo(1) - callsBeforeHealing, 3);
    assert.deepEqual(
      events.map((change) => [change.from, change.status, change.reason]),
      [
        ['UNKNOWN', 'UP', 'port 1 fine'],
        ['UP', 'DOWN', 'port 1 broken'],
        ['DOWN', 'UP', 'port 1 fine'],
      ],
    );
  });

  it('probes every delay seconds, start to start', async () => {
    const health = start();
    health.setChecks('lb-1', [check('m1', 1, { delay: 0.05 })]);
    await sleep(330);
    const starts = probe.calls.map((call) => call.at);
    assert.ok(starts.length >= 4 && starts.length <= 8, `${starts.length} probes in 330 ms`);
    for (let index = 1; index < starts.length; index++) {
      const gap = (starts[index] ?? 0) - (starts[index - 1] ?? 0);
      assert.ok(gap >= 40 && gap < 200, `gap ${gap} ms`);
    }
  });

  it('never has two probes of a member in flight when a probe is slower than the delay', async () => {
    const health = start();
    probe.durationMs = 60;
    health.setChecks('lb-1', [check('m1', 1, { delay: 0.02 }), check('m2', 2, { delay: 0.02 })]);
    await sleep(300);
    assert.ok(probe.callsTo(1) >= 3, `${probe.callsTo(1)} probes`);
    assert.ok(probe.maxInFlight <= 2, `${probe.maxInFlight} in flight for two members`);
    const starts = probe.calls.filter((call) => call.port === 1).map((call) => call.at);
    for (let index = 1; index < starts.length; index++) {
      assert.ok((starts[index] ?? 0) - (starts[index - 1] ?? 0) >= 55, 'a probe started before the last ended');
    }
  });

  it('spreads first probes over at most one delay (capped at 1 s)', async () => {
    const health = start(() => 0.9);
    const startedAt = performance.now();
    health.setChecks('lb-1', [check('m1', 1, { delay: 0.2 })]);
    await waitForChange(health, () => true, 1000);
    const firstAt = (probe.calls[0]?.at ?? 0) - startedAt;
    assert.ok(firstAt >= 170 && firstAt < 400, `first probe after ${firstAt} ms`);
  });

  it('keeps the loop and state of unchanged checks when the same set is given again', async () => {
    const health = start();
    health.setChecks('lb-1', [check('m1', 1), check('m2', 2)]);
    await waitForChange(health, (change) => change.memberId === 'm2', 1000);
    await sleep(20);
    const events: HealthChange[] = [];
    health.on('change', (change) => events.push(change));
    for (let round = 0; round < 5; round++) health.setChecks('lb-1', [check('m2', 2), check('m1', 1)]);
    assert.equal(health.status('m1')?.status, 'UP');
    const calls = probe.calls.length;
    await sleep(120);
    // Restarted loops would probe at once (random 0) and report UP again; kept ones just go on.
    assert.deepEqual(events, []);
    assert.ok(probe.calls.length - calls <= 6, `${probe.calls.length - calls} probes in 120 ms for two members`);
  });

  it('starts a check over when its target or monitor changes, and stops removed ones', async () => {
    const health = start();
    health.setChecks('lb-1', [check('m1', 1), check('m2', 2)]);
    await waitForChange(health, (change) => change.memberId === 'm2', 1000);
    health.setChecks('lb-1', [check('m1', 1, { maxRetriesDown: 3 })]);
    assert.equal(health.status('m1')?.status, 'UNKNOWN');
    assert.equal(health.status('m2'), undefined);
    const callsToRemoved = probe.callsTo(2);
    await waitForChange(health, (change) => change.memberId === 'm1', 1000);
    await sleep(100);
    assert.equal(probe.callsTo(2), callsToRemoved);
  });

  it('stops a group on removeGroup and everything on close, aborting probes in flight', async () => {
    const health = start();
    probe.durationMs = 200;
    health.setChecks('lb-1', [check('m1', 1)]);
    health.setChecks('lb-2', [check('m2', 2)]);
    await sleep(30);
    health.removeGroup('lb-1');
    assert.equal(health.status('m1'), undefined);
    assert.equal(health.status('m2')?.status, 'UNKNOWN');
    health.close();
    assert.equal(health.status('m2'), undefined);
    await sleep(20);
    assert.deepEqual(probe.aborted.sort(), [1, 2]);
    const calls = probe.calls.length;
    await sleep(100);
    assert.equal(probe.calls.length, calls);
    assert.throws(() => health.setChecks('lb-1', [check('m1', 1)]), /closed/);
  });

  it('counts a probe that throws as a failed check', async () => {
    const health = start();
    health.setChecks('lb-1', [check('m1', 666)]);
    const down = await waitForChange(health, () => true, 1000);
    assert.deepEqual([down.status, down.reason], ['DOWN', 'probe crashed']);
  });

  it('tells its observer of every finished probe, with its type, verdict and duration, and not of aborted ones', async () => {
    const observed: { type: MonitorType; ok: boolean; seconds: number }[] = [];
    const health = start(() => 0, { probed: (type, ok, seconds) => observed.push({ type, ok, seconds }) });
    probe.durationMs = 30;
    probe.healthy.set(2, false);
    health.setChecks('lb-1', [check('m1', 1), check('m2', 2)]);
    await waitForChange(health, (change) => change.status === 'DOWN', 1000);
    health.close();
    await sleep(50);
    assert.equal(observed.length, probe.calls.length - probe.aborted.length);
    assert.ok(observed.some((probed) => probed.ok) && observed.some((probed) => !probed.ok));
    assert.equal(
      observed.filter((probed) => probed.ok).length,
      probe.calls.filter((call) => call.port === 1).length - probe.aborted.filter((port) => port === 1).length,
    );
    for (const probed of observed) {
      assert.equal(probed.type, 'TCP');
      assert.ok(probed.seconds >= 0.02, `a 30 ms probe reported as ${probed.seconds} s`);
    }
  });

  it('rejects an invalid set whole, leaving the group as it was', async () => {
    const health = start();
    health.setChecks('lb-1', [check('m1', 1)]);
    health.setChecks('lb-2', [check('m2', 2)]);
    await waitForChange(health, (change) => change.memberId === 'm2', 1000);
    const invalid: [string, MemberCheck[], RegExp][] = [
      ['duplicate', [check('m1', 1), check('m1', 3)], /listed twice/],
      ['member of another group', [check('m1', 1), check('m2', 2)], /already checked in group lb-2/],
      [
        'unsupported type',
        [check('m1', 1), check('m3', 3, { type: 'SCTP' })],
        /SCTP health monitors are not supported/,
      ],
      ['zero delay', [check('m3', 3, { delay: 0 })], /delay and timeout must be positive/],
      ['rise out of range', [check('m3', 3, { maxRetries: 11 })], /rise and fall must be 1-10/],
    ];
    for (const [what, checks, error] of invalid) {
      assert.throws(() => health.setChecks('lb-1', checks), error, what);
    }
    assert.equal(health.status('m3'), undefined);
    assert.equal(health.status('m2')?.status, 'UP');
    assert.notEqual(health.status('m1'), undefined);
  });

  it('is not affected when the caller mutates the checks it handed over', async () => {
    const health = start();
    const checks = [check('m1', 1)];
    health.setChecks('lb-1', checks);
    const first = checks[0];
    if (first && 'port' in first.target) first.target.port = 2;
    probe.healthy.set(2, false);
    const change = await waitForChange(health, () => true, 1000);
    assert.equal(change.status, 'UP');
  });

  it('an empty set removes the group', () => {
    const health = start();
    health.setChecks('lb-1', [check('m1', 1)]);
    health.setChecks('lb-1', []);
    assert.equal(health.status('m1'), undefined);
    health.setChecks('lb-2', [check('m1', 1)]);
    assert.equal(health.status('m1')?.status, 'UNKNOWN');
  });
});
