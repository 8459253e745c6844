import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { monitorSpec } from '../testing/monitor-spec-for-test.ts';
import { activeResources, assertNoLeaks } from '../testing/resource-leaks.ts';
import {
  type Listening,
  listen,
  type RecordedRequest,
  selfSignedCertificate,
  statusServer,
  temporaryDirectory,
} from '../testing/test-servers.ts';
import { httpsProbe } from './https.ts';

const spec = monitorSpec({ type: 'HTTPS', timeout: 1 });
const signal = (): AbortSignal => AbortSignal.timeout(5000);

describe('HTTPS probe', () => {
  const directory = temporaryDirectory();
  let member: Listening;
  let plainMember: Listening;
  let requests: RecordedRequest[];

  before(async () => {
    const status = statusServer(selfSignedCertificate(directory.path));
    requests = status.requests;
    member = await listen(status.server);
    plainMember = await listen(statusServer().server);
  });

  after(async () => {
    await Promise.all([member.close(), plainMember.close()]);
    directory.remove();
  });

  it('is up on an expected code from a member with a self-signed certificate, and leaves nothing open', async () => {
    const resources = activeResources();
    const result = await httpsProbe.probe({ address: '127.0.0.1', port: member.port }, spec, signal());
    assert.deepEqual([result.ok, result.reason], [true, 'HTTP 200']);
    await assertNoLeaks(resources);
  });

  it('is down on an unexpected code', async () => {
    const result = await httpsProbe.probe(
      { address: '127.0.0.1', port: member.port },
      { ...spec, urlPath: '/status/500' },
      signal(),
    );
    assert.equal(result.ok, false);
    assert.match(result.reason, /HTTP 500/);
  });

  it('sends domain_name as Host and the HTTP version asked for', async () => {
    requests.length = 0;
    await httpsProbe.probe(
      { address: '127.0.0.1', port: member.port },
      { ...spec, domainName: 'app.example.com', httpVersion: 1.0 },
      signal(),
    );
    assert.deepEqual(requests, [{ method: 'GET', url: '/', httpVersion: '1.0', host: 'app.example.com' }]);
  });

  it('is down when the member does not speak TLS, and leaves nothing open', async () => {
    const resources = activeResources();
    const result = await httpsProbe.probe({ address: '127.0.0.1', port: plainMember.port }, spec, signal());
    assert.equal(result.ok, false);
    await assertNoLeaks(resources);
  });
});
