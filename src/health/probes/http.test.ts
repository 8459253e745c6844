import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { monitorSpec } from '../testing/monitor-spec-for-test.ts';
import { activeResources, assertNoLeaks } from '../testing/resource-leaks.ts';
import {
  acceptingTcpServer,
  type Listening,
  listen,
  type RecordedRequest,
  silentTcpServer,
  statusServer,
  temporaryDirectory,
} from '../testing/test-servers.ts';
import { httpProbe } from './http.ts';

const spec = monitorSpec({ type: 'HTTP', timeout: 0.5 });
const signal = (): AbortSignal => AbortSignal.timeout(5000);

describe('HTTP probe', () => {
  const directory = temporaryDirectory();
  const socketPath = join(directory.path, 'member.sock');
  let member: Listening;
  let requests: RecordedRequest[];
  let unixMember: Listening;
  let silent: Listening;
  let closing: Listening;

  before(async () => {
    const status = statusServer();
    requests = status.requests;
    member = await listen(status.server);
    unixMember = await listen(statusServer().server, socketPath);
    silent = await listen(silentTcpServer());
    closing = await listen(acceptingTcpServer());
  });

  after(async () => {
    await Promise.all([member.close(), unixMember.close(), silent.close(), closing.close()]);
    directory.remove();
  });

  const target = (): { address: string; port: number } => ({ address: '127.0.0.1', port: member.port });

  it('is up on an expected code, and leaves nothing open', async () => {
    const resources = activeResources();
    const result = await httpProbe.probe(target(), spec, signal());
    assert.deepEqual([result.ok, result.reason], [true, 'HTTP 200']);
    await assertNoLeaks(resources);
  });

  for (const [expectedCodes, path, ok] of [
    ['200', '/status/204', false],
    ['200,204', '/status/204', true],
    ['200-204', '/status/204', true],
    ['200-204', '/status/205', false],
    ['500', '/status/500', true],
    ['200', '/status/503', false],
  ] as const) {
    it(`${ok ? 'accepts' : 'refuses'} ${path} when expected_codes is ${expectedCodes}`, async () => {
      const result = await httpProbe.probe(target(), { ...spec, urlPath: path, expectedCodes }, signal());
      assert.equal(result.ok, ok, result.reason);
      if (!ok) assert.match(result.reason, new RegExp(`expected ${expectedCodes}`));
    });
  }

  it('sends the method, path and HTTP version asked for, with the address as Host', async () => {
    requests.length = 0;
    await httpProbe.probe(
      target(),
      { ...spec, httpMethod: 'HEAD', urlPath: '/healthz?deep=1', httpVersion: 1.0 },
      signal(),
    );
    await httpProbe.probe(target(), { ...spec, httpVersion: 1.1 }, signal());
    assert.deepEqual(requests, [
      { method: 'HEAD', url: '/healthz?deep=1', httpVersion: '1.0', host: '127.0.0.1' },
      { method: 'GET', url: '/', httpVersion: '1.1', host: '127.0.0.1' },
    ]);
  });

  it('sends domain_name as Host when set', async () => {
    requests.length = 0;
    await httpProbe.probe(target(), { ...spec, domainName: 'app.example.com' }, signal());
    assert.equal(requests[0]?.host, 'app.example.com');
  });

  it('probes a Unix socket member', async () => {
    const result = await httpProbe.probe({ socketPath }, spec, signal());
    assert.deepEqual([result.ok, result.reason], [true, 'HTTP 200']);
  });

  it('times out on a member that accepts and never answers, and leaves nothing open', async () => {
    const resources = activeResources();
    const result = await httpProbe.probe(
      { address: '127.0.0.1', port: silent.port },
      { ...spec, timeout: 0.2 },
      signal(),
    );
    assert.equal(result.ok, false);
    assert.match(result.reason, /no answer within 0.2s/);
    assert.ok(result.latencyMs >= 190 && result.latencyMs < 1000, `took ${result.latencyMs} ms`);
    await assertNoLeaks(resources);
  });

  it('is down when the member closes without answering', async () => {
    const result = await httpProbe.probe({ address: '127.0.0.1', port: closing.port }, spec, signal());
    assert.equal(result.ok, false);
    assert.match(result.reason, /closed before an HTTP status line/);
  });

  it('rejects with the abort reason when aborted in flight, and leaves nothing open', async () => {
    const resources = activeResources();
    const controller = new AbortController();
    const probing = httpProbe.probe(
      { address: '127.0.0.1', port: silent.port },
      { ...spec, timeout: 5 },
      controller.signal,
    );
    setTimeout(() => controller.abort(new Error('stopped')), 20);
    await assert.rejects(probing, /stopped/);
    await assertNoLeaks(resources);
  });

  for (const [field, value] of [
    ['httpMethod', 'GET / HTTP/1.1\r\nX: y\r\n'],
    ['urlPath', '/ HTTP/1.1\r\nX-Injected: 1'],
    ['urlPath', 'no-slash'],
    ['domainName', 'example.com\r\nX-Injected: 1'],
    ['expectedCodes', '2xx'],
  ] as const) {
    it(`fails, sending nothing, on an invalid ${field}`, async () => {
      requests.length = 0;
      const result = await httpProbe.probe(target(), { ...spec, [field]: value }, signal());
      assert.equal(result.ok, false);
      assert.match(result.reason, /[Ii]nvalid/);
      assert.deepEqual(requests, []);
    });
  }
});
