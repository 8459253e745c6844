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
  selfSignedCertificate,
  silentTcpServer,
  temporaryDirectory,
  tlsServer,
} from '../testing/test-servers.ts';
import { tlsHelloProbe } from './tls-hello.ts';

const spec = monitorSpec({ type: 'TLS-HELLO', timeout: 1 });
const signal = (): AbortSignal => AbortSignal.timeout(5000);

describe('TLS-HELLO probe', () => {
  const directory = temporaryDirectory();
  const socketPath = join(directory.path, 'member.sock');
  let member: Listening;
  let unixMember: Listening;
  let plain: Listening;
  let silent: Listening;

  before(async () => {
    const certificate = selfSignedCertificate(directory.path);
    member = await listen(tlsServer(certificate));
    unixMember = await listen(tlsServer(certificate), socketPath);
    plain = await listen(acceptingTcpServer());
    silent = await listen(silentTcpServer());
  });

  after(async () => {
    await Promise.all([member.close(), unixMember.close(), plain.close(), silent.close()]);
    directory.remove();
  });

  it('is up when the handshake completes, without verifying the certificate, and leaves nothing open', async () => {
    const resources = activeResources();
    const result = await tlsHelloProbe.probe({ address: '127.0.0.1', port: member.port }, spec, signal());
    assert.equal(result.ok, true, result.reason);
    assert.match(result.reason, /TLS handshake completed \(TLSv1\.[23]\)/);
    await assertNoLeaks(resources);
  });

  it('probes a Unix socket member, sending domain_name as SNI', async () => {
    const result = await tlsHelloProbe.probe({ socketPath }, { ...spec, domainName: 'app.example.com' }, signal());
    assert.equal(result.ok, true, result.reason);
  });

  it('is down when the member closes without a handshake', async () => {
    const result = await tlsHelloProbe.probe({ address: '127.0.0.1', port: plain.port }, spec, signal());
    assert.equal(result.ok, false);
  });

  it('is down when the connection is refused', async () => {
    const port = await closedTcpPort();
    const result = await tlsHelloProbe.probe({ address: '127.0.0.1', port }, spec, signal());
    assert.equal(result.ok, false);
    assert.match(result.reason, /ECONNREFUSED/);
  });

  it('times out on a member that never answers the hello, and leaves nothing open', async () => {
    const resources = activeResources();
    const result = await tlsHelloProbe.probe(
      { address: '127.0.0.1', port: silent.port },
      { ...spec, timeout: 0.2 },
      signal(),
    );
    assert.equal(result.ok, false);
    assert.match(result.reason, /no answer within 0.2s/);
    await assertNoLeaks(resources);
  });
});
