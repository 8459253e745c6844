import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { monitorSpec } from '../testing/monitor-spec-for-test.ts';
import { activeResources, assertNoLeaks } from '../testing/resource-leaks.ts';
import {
  acceptingTcpServer,
  closedTcpPort,
  type Listening,
  listen,
  temporaryDirectory,
} from '../testing/test-servers.ts';
import { tcpProbe } from './tcp.ts';

const spec = monitorSpec({ type: 'TCP', timeout: 0.5 });

describe('TCP probe', () => {
  const directory = temporaryDirectory();
  const socketPath = join(directory.path, 'member.sock');
  let accepting: Listening;
  let unixMember: Listening;

  before(async () => {
    accepting = await listen(acceptingTcpServer());
    unixMember = await listen(acceptingTcpServer(), socketPath);
  });

  after(async () => {
    await accepting.close();
    await unixMember.close();
    directory.remove();
  });

  it('is up when the member accepts, and leaves nothing open', async () => {
    const resources = activeResources();
    const result = await tcpProbe.probe(
      { address: '127.0.0.1', port: accepting.port },
      spec,
      AbortSignal.timeout(5000),
    );
    assert.equal(result.ok, true, result.reason);
    assert.ok(result.latencyMs >= 0 && result.latencyMs < 500);
    await assertNoLeaks(resources);
  });

  it('is down when the connection is refused', async () => {
    const resources = activeResources();
    const port = await closedTcpPort();
    const result = await tcpProbe.probe({ address: '127.0.0.1', port }, spec, AbortSignal.timeout(5000));
    assert.equal(result.ok, false);
    assert.match(result.reason, /ECONNREFUSED/);
    await assertNoLeaks(resources);
  });

  it('probes a Unix socket member', async () => {
    const result = await tcpProbe.probe({ socketPath }, spec, AbortSignal.timeout(5000));
    assert.equal(result.ok, true, result.reason);
    const missing = await tcpProbe.probe({ socketPath: `${socketPath}.missing` }, spec, AbortSignal.timeout(5000));
    assert.equal(missing.ok, false);
    assert.match(missing.reason, /ENOENT/);
  });
});
