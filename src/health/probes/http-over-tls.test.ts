import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { spec } from '../../../test/support/kernel-spec.ts';
import { TestCa } from '../../../test/support/test-pki.ts';
import type { PoolSpec } from '../../model/load-balancer-spec.ts';
import { monitorSpec } from '../testing/monitor-spec-for-test.ts';
import { temporaryDirectory } from '../testing/test-servers.ts';
import { httpProbe } from './http.ts';
import { httpsProbe } from './https.ts';
import { tcpProbe } from './tcp.ts';

const monitor = monitorSpec({ type: 'HTTP', timeout: 2 });
const signal = (): AbortSignal => AbortSignal.timeout(5000);

/** Checks of a tls_enabled pool's members: over TLS with the pool's certificate, CA and CRL. */
describe('probes of a tls_enabled pool', () => {
  let directory: { path: string; remove: () => void };
  let ca: TestCa;
  let otherCa: TestCa;
  let server: ReturnType<typeof createServer>;
  let port: number;
  const clientNames: string[] = [];

  before(async () => {
    directory = temporaryDirectory();
    ca = TestCa.create(directory.path, 'probe ca');
    otherCa = TestCa.create(directory.path, 'other probe ca');
    const certificate = ca.issue({ commonName: 'member' });
    // The member requires a client certificate from its CA, as a mutual-TLS member does.
    server = createServer(
      { cert: certificate.certPem, key: certificate.keyPem, ca: ca.certPem, requestCert: true },
      (request, response) => {
        const peer = (request.socket as import('node:tls').TLSSocket).getPeerCertificate();
        clientNames.push(String(peer.subject?.CN));
        response.end('ok');
      },
    );
    server.on('tlsClientError', () => {});
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    directory.remove();
  });

  const tls = (fields: Partial<PoolSpec['tls']>): PoolSpec['tls'] => ({
    ...spec([]).pools[0]!.tls,
    enabled: true,
    ...fields,
  });

  it('is up when the member chains to the pool CA, and the member sees the pool client certificate', async () => {
    const client = ca.issue({ commonName: 'weir-checks', usage: 'client' });
    const target = {
      address: '127.0.0.1',
      port,
      tls: tls({
        caPem: ca.certPem,
        clientCertificate: { certificateChainPem: client.chainPem, privateKeyPem: client.keyPem },
      }),
    };
    const result = await httpProbe.probe(target, monitor, signal());
    assert.deepEqual([result.ok, result.reason], [true, 'HTTP 200']);
    assert.deepEqual(clientNames, ['weir-checks']);
  });

  it('is down when the member certificate does not chain to the pool CA', async () => {
    const target = { address: '127.0.0.1', port, tls: tls({ caPem: otherCa.certPem }) };
    const result = await httpProbe.probe(target, monitor, signal());
    assert.equal(result.ok, false);
    // The member sends its CA along (it holds it to check clients): a chain ending in a CA the pool does not trust.
    assert.match(result.reason, /self-signed certificate in certificate chain/);
  });

  it('TCP: up once the TLS handshake with the pool settings completes, down when the certificate does not verify', async () => {
    const up = await tcpProbe.probe({ address: '127.0.0.1', port, tls: tls({ caPem: ca.certPem }) }, monitor, signal());
    assert.deepEqual([up.ok, up.reason], [true, 'TLS handshake done']);
    const down = await tcpProbe.probe(
      { address: '127.0.0.1', port, tls: tls({ caPem: otherCa.certPem }) },
      monitor,
      signal(),
    );
    assert.equal(down.ok, false);
  });

  it('HTTPS: the client certificate goes along, nothing is verified', async () => {
    const client = ca.issue({ commonName: 'weir-https-checks', usage: 'client' });
    const target = {
      address: '127.0.0.1',
      port,
      tls: tls({ clientCertificate: { certificateChainPem: client.chainPem, privateKeyPem: client.keyPem } }),
    };
    const result = await httpsProbe.probe(target, monitorSpec({ type: 'HTTPS', timeout: 2 }), signal());
    assert.deepEqual([result.ok, result.reason], [true, 'HTTP 200']);
    assert.equal(clientNames.at(-1), 'weir-https-checks');
  });
});
