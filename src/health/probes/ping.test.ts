import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { monitorSpec } from '../testing/monitor-spec-for-test.ts';
import { activeResources, assertNoLeaks } from '../testing/resource-leaks.ts';
import { UnsupportedMonitorTypeError } from '../unsupported-monitor-type.ts';
import { createPingProbe } from './ping.ts';

const spec = monitorSpec({ type: 'PING', timeout: 1 });
const signal = (): AbortSignal => AbortSignal.timeout(5000);

/** The probe, or the reason this machine cannot ping (no iputils-ping), for skipping. */
function pingProbeOrReason(): ReturnType<typeof createPingProbe> | string {
  try {
    return createPingProbe();
  } catch (error) {
    return (error as Error).message;
  }
}

describe('PING probe', () => {
  it('is unsupported, clearly, when the command is missing', () => {
    assert.throws(() => createPingProbe('weir-no-such-ping'), UnsupportedMonitorTypeError);
    assert.throws(() => createPingProbe('weir-no-such-ping'), /PING health monitors are not supported: .*not found/);
  });

  it('refuses Unix socket members and anything that is not an IP address', async () => {
    const probe = createPingProbe(process.execPath);
    const unix = await probe.probe({ socketPath: '/tmp/none.sock' }, spec, signal());
    assert.match(unix.reason, /cannot probe a Unix socket/);
    const option = await probe.probe({ address: '-f', port: 0 }, spec, signal());
    assert.deepEqual([option.ok, option.reason], [false, "PING needs an IP address, not '-f'"]);
  });

  const probe = pingProbeOrReason();
  const skip = typeof probe === 'string' ? probe : false;

  it('is up when 127.0.0.1 answers, and leaves nothing open', { skip }, async () => {
    if (typeof probe === 'string') return;
    const resources = activeResources();
    const result = await probe.probe({ address: '127.0.0.1', port: 0 }, spec, signal());
    assert.deepEqual([result.ok, result.reason], [true, 'echo reply']);
    await assertNoLeaks(resources);
  });

  it('kills ping when aborted, and leaves nothing open', { skip }, async () => {
    if (typeof probe === 'string') return;
    const resources = activeResources();
    const controller = new AbortController();
    const probing = probe.probe({ address: '127.0.0.1', port: 0 }, { ...spec, timeout: 5 }, controller.signal);
    controller.abort(new Error('stopped'));
    await assert.rejects(probing, /stopped/);
    await assertNoLeaks(resources, 2000);
  });
});
