import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HealthChecker } from './health-checker.ts';
import type { MemberCheck } from './member-check.ts';
import type { MonitorSpec } from './monitor-spec.ts';
import { monitorSpec } from './testing/monitor-spec-for-test.ts';
import { activeResources, assertNoLeaks } from './testing/resource-leaks.ts';
import {
  acceptingTcpServer,
  closedUdpPort,
  type Listening,
  listen,
  temporaryDirectory,
  udpListener,
} from './testing/test-servers.ts';
import { waitForChange } from './testing/wait-for-change.ts';

/** Slack on top of the protocol's own deadline, for timers and a busy CI machine. */
const MARGIN_MS = 1000;

const deadlineMs = (monitor: MonitorSpec, results: number): number =>
  // The first probe may wait up to one delay (jitter), then one delay per further result, each up to the timeout.
  (monitor.delay * results + monitor.timeout) * 1000 + MARGIN_MS;

describe('HealthChecker with real members on 127.0.0.1', () => {
  const directory = temporaryDirectory();
  const servers: Listening[] = [];
  const checker = new HealthChecker();
  const resources = activeResources();

  after(async () => {
    checker.close();
    await Promise.all(servers.map((server) => server.close()));
    directory.remove();
  });

  const serve = async (listening: Promise<Listening>): Promise<Listening> => {
    const server = await listening;
    servers.push(server);
    return server;
  };

  it('reports a TCP member DOWN within delay x max_retries_down after it stops, and UP after it returns', async () => {
    const monitor = monitorSpec({ type: 'TCP', delay: 0.2, timeout: 0.2, maxRetries: 2, maxRetriesDown: 3 });
    const first = await listen(acceptingTcpServer());
    const check: MemberCheck = { memberId: 'tcp-1', target: { address: '127.0.0.1', port: first.port }, monitor };
    const up = waitForChange(checker, (change) => change.memberId === 'tcp-1', deadlineMs(monitor, 1));
    checker.setChecks('lb-tcp', [check]);
    assert.equal((await up).status, 'UP');

    const stoppedAt = performance.now();
    const down = waitForChange(checker, (change) => change.memberId === 'tcp-1', deadlineMs(monitor, 3));
    await first.close();
    const wentDown = await down;
    assert.equal(wentDown.status, 'DOWN');
    assert.match(wentDown.reason, /ECONNREFUSED/);
    const downAfter = performance.now() - stoppedAt;
    // Three failures cannot be seen in less than two full delays.
    assert.ok(downAfter >= 2 * monitor.delay * 1000 - 50, `DOWN after ${downAfter} ms`);
    assert.equal(checker.status('tcp-1')?.consecutiveFailures, 3);

    const back = waitForChange(checker, (change) => change.memberId === 'tcp-1', deadlineMs(monitor, 2));
    await serve(listen(acceptingTcpServer(), undefined, first.port));
    assert.deepEqual([(await back).status, (await back).reason], ['UP', 'connected']);
  });

  it('follows an HTTP member whose answers change between expected and unexpected codes', async () => {
    let status = 200;
    const member = await serve(
      listen(
        createHttpServer((_request, response) => {
          response.statusCode = status;
          response.end();
        }),
      ),
    );
    const monitor = monitorSpec({
      type: 'HTTP',
      delay: 0.2,
      timeout: 0.3,
      maxRetriesDown: 2,
      expectedCodes: '200-204',
    });
    const up = waitForChange(checker, (change) => change.memberId === 'http-1', deadlineMs(monitor, 1));
    checker.setChecks('lb-http', [
      { memberId: 'http-1', target: { address: '127.0.0.1', port: member.port }, monitor },
    ]);
    assert.deepEqual([(await up).status, (await up).reason], ['UP', 'HTTP 200']);
    const down = waitForChange(checker, (change) => change.memberId === 'http-1', deadlineMs(monitor, 2));
    status = 503;
    assert.deepEqual([(await down).status, (await down).reason], ['DOWN', 'HTTP 503, expected 200-204']);
    const back = waitForChange(checker, (change) => change.memberId === 'http-1', deadlineMs(monitor, 2));
    status = 204;
    assert.equal((await back).status, 'UP');
  });

  it('checks a Unix socket member and UDP members in one group', async () => {
    const socketPath = join(directory.path, 'member.sock');
    await serve(listen(acceptingTcpServer(), socketPath));
    const udpOpen = await udpListener();
    servers.push({ port: udpOpen.port, close: udpOpen.close });
    const udpClosed = await closedUdpPort();
    const tcp = monitorSpec({ type: 'TCP', delay: 0.2, timeout: 0.2 });
    const udp = monitorSpec({ type: 'UDP-CONNECT', delay: 0.2, timeout: 0.2 });
    const verdicts = new Map<string, string>();
    const all = waitForChange(
      checker,
      (change) => {
        verdicts.set(change.memberId, change.status);
        return verdicts.size === 3;
      },
      deadlineMs(udp, 1),
    );
    checker.setChecks('lb-mixed', [
      { memberId: 'unix-1', target: { socketPath }, monitor: tcp },
      { memberId: 'udp-open', target: { address: '127.0.0.1', port: udpOpen.port }, monitor: udp },
      { memberId: 'udp-closed', target: { address: '127.0.0.1', port: udpClosed }, monitor: udp },
    ]);
    await all;
    assert.deepEqual(Object.fromEntries(verdicts), { 'unix-1': 'UP', 'udp-open': 'UP', 'udp-closed': 'DOWN' });
  });

  it('leaves no socket or timer behind once closed', async () => {
    checker.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await assertNoLeaks(resources, 1000);
  });
});
