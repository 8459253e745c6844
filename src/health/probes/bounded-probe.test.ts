import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeResources, assertNoLeaks } from '../testing/resource-leaks.ts';
import { boundedProbe } from './bounded-probe.ts';

const never = AbortSignal.timeout(60_000);

describe('boundedProbe', () => {
  it('resolves with the first verdict and cleans up once', async () => {
    let cleanups = 0;
    const result = await boundedProbe(1, never, (settle) => {
      setImmediate(() => {
        settle(true, 'first');
        settle(false, 'second');
      });
      return () => cleanups++;
    });
    assert.equal(result.ok, true);
    assert.equal(result.reason, 'first');
    assert.equal(cleanups, 1);
  });

  it('cleans up a verdict given while the attempt was still starting', async () => {
    let cleanups = 0;
    const result = await boundedProbe(1, never, (settle) => {
      settle(false, 'at once');
      return () => cleanups++;
    });
    assert.deepEqual([result.ok, result.reason, cleanups], [false, 'at once', 1]);
  });

  it('turns a throw while starting into a failed verdict', async () => {
    const result = await boundedProbe(1, never, () => {
      throw new Error('bad url_path');
    });
    assert.deepEqual([result.ok, result.reason], [false, 'bad url_path']);
  });

  it('fails after the timeout, on time, and cleans up', async () => {
    const resources = activeResources();
    let cleanups = 0;
    const result = await boundedProbe(0.1, never, () => () => cleanups++);
    assert.equal(result.ok, false);
    assert.match(result.reason, /no answer within 0.1s/);
    assert.ok(result.latencyMs >= 90 && result.latencyMs < 600, `took ${result.latencyMs} ms`);
    assert.equal(cleanups, 1);
    await assertNoLeaks(resources);
  });

  it('lets a probe decide what a timeout means', async () => {
    const result = await boundedProbe(
      0.05,
      never,
      () => () => {},
      () => ({ ok: true, reason: 'silence is fine' }),
    );
    assert.deepEqual([result.ok, result.reason], [true, 'silence is fine']);
  });

  it('rejects with the reason of an abort in flight, and cleans up', async () => {
    const resources = activeResources();
    const controller = new AbortController();
    let cleanups = 0;
    const probing = boundedProbe(5, controller.signal, () => () => cleanups++);
    setTimeout(() => controller.abort(new Error('stopped')), 10);
    await assert.rejects(probing, /stopped/);
    assert.equal(cleanups, 1);
    await assertNoLeaks(resources);
  });

  it('does not start an attempt when already aborted', async () => {
    let started = false;
    const probing = boundedProbe(5, AbortSignal.abort(new Error('already')), () => {
      started = true;
      return () => {};
    });
    await assert.rejects(probing, /already/);
    assert.equal(started, false);
  });
});
