import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { monitorSpec } from '../testing/monitor-spec-for-test.ts';
import { activeResources, assertNoLeaks } from '../testing/resource-leaks.ts';
import { closedUdpPort, udpListener } from '../testing/test-servers.ts';
import { udpConnectProbe } from './udp-connect.ts';

const spec = monitorSpec({ type: 'UDP-CONNECT', timeout: 0.3 });
const signal = (): AbortSignal => AbortSignal.timeout(5000);

describe('UDP-CONNECT probe', () => {
  it('is up when no port unreachable comes back within the timeout, and leaves nothing open', async () => {
    const listener = await udpListener();
    try {
      const resources = activeResources();
      const result = await udpConnectProbe.probe({ address: '127.0.0.1', port: listener.port }, spec, signal());
      assert.equal(result.ok, true, result.reason);
      assert.match(result.reason, /no ICMP port unreachable within 0.3s/);
      assert.ok(result.latencyMs >= 290, `decided after ${result.latencyMs} ms, before the timeout`);
      await assertNoLeaks(resources);
    } finally {
      await listener.close();
    }
  });

  it('is down, at once, when the port is closed, and leaves nothing open', async () => {
    const port = await closedUdpPort();
    const resources = activeResources();
    const result = await udpConnectProbe.probe({ address: '127.0.0.1', port }, { ...spec, timeout: 5 }, signal());
    assert.deepEqual([result.ok, result.reason], [false, 'ICMP port unreachable']);
    assert.ok(result.latencyMs < 1000, `took ${result.latencyMs} ms`);
    await assertNoLeaks(resources);
  });

  it('refuses a Unix socket member with a clear reason', async () => {
    const result = await udpConnectProbe.probe({ socketPath: '/tmp/none.sock' }, spec, signal());
    assert.equal(result.ok, false);
    assert.match(result.reason, /cannot probe a Unix socket/);
  });

  it('rejects with the abort reason when aborted, and leaves nothing open', async () => {
    const listener = await udpListener();
    try {
      const resources = activeResources();
      const controller = new AbortController();
      const probing = udpConnectProbe.probe(
        { address: '127.0.0.1', port: listener.port },
        { ...spec, timeout: 5 },
        controller.signal,
      );
      setTimeout(() => controller.abort(new Error('stopped')), 20);
      await assert.rejects(probing, /stopped/);
      await assertNoLeaks(resources);
    } finally {
      await listener.close();
    }
  });
});
