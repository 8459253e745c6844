import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { connect, createSecureContext, createServer } from 'node:tls';
import { inTempDir } from './temp-dir.ts';
import { pkcs12, TestCa } from './test-pki.ts';

test('the test CA issues certificates Node verifies, and its CRL refuses a revoked client', async () => {
  await inTempDir('weir-pki-', async (dir) => {
    const ca = TestCa.create(dir);
    const server = ca.issue({ commonName: 'www.example.test', dnsNames: ['www.example.test'], keyType: 'rsa' });
    const good = ca.issue({ commonName: 'alice', usage: 'client', subject: { O: 'Example' } });
    const revoked = ca.issue({ commonName: 'mallory', usage: 'client' });
    ca.revoke(revoked);
    const parsed = new X509Certificate(server.certPem);
    assert.equal(parsed.subject, 'CN=www.example.test');
    assert.equal(parsed.checkIssued(new X509Certificate(ca.certPem)), true);
    assert.match(parsed.subjectAltName ?? '', /DNS:www.example.test/);
    assert.equal(new X509Certificate(good.certPem).subject, 'CN=alice\nO=Example');

    const tls = createServer({
      cert: server.chainPem,
      key: server.keyPem,
      ca: ca.certPem,
      crl: ca.crlPem(),
      requestCert: true,
      rejectUnauthorized: false,
    });
    const verdicts: (string | null)[] = [];
    tls.on('secureConnection', (socket) => {
      verdicts.push(socket.authorized ? null : String(socket.authorizationError));
      socket.end();
    });
    tls.listen(0, '127.0.0.1');
    await once(tls, 'listening');
    const { port } = tls.address() as AddressInfo;
    try {
      for (const client of [good, revoked]) {
        const socket = connect({
          host: '127.0.0.1',
          port,
          servername: 'www.example.test',
          ca: ca.certPem,
          cert: client.certPem,
          key: client.keyPem,
        });
        await once(socket, 'secureConnect');
        socket.resume();
        await once(socket, 'end');
        socket.destroy();
      }
    } finally {
      tls.close();
    }
    assert.deepEqual(verdicts, [null, 'CERT_REVOKED']);

    const context = createSecureContext({ pfx: pkcs12(ca, server, 'secret'), passphrase: 'secret' });
    assert.ok(context);
  });
});
