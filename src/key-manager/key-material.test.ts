import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pkcs12, TestCa, type TestKeyType } from '../../test/support/test-pki.ts';
import { keyPairFromBundle, keyPairFromParts, UnreadablePkcs12, UnusableKeyMaterial } from './key-material.ts';
import { revocationListPem } from './revocation-list.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-key-material-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const leafOf = (chainPem: string) => new X509Certificate(chainPem.split(/(?<=-----END CERTIFICATE-----\n)/)[0]!);

for (const keyType of ['ec', 'rsa'] as TestKeyType[]) {
  describe(`${keyType} key material`, () => {
    const ca = TestCa.create(dir, `ca ${keyType}`, keyType);
    const server = ca.issue({ commonName: 'www.example.org', keyType });

    test('a PKCS#12 bundle without passphrase gives the leaf, its chain and the key', () => {
      const pair = keyPairFromBundle(pkcs12(ca, server));
      assert.equal(leafOf(pair.certificateChainPem).subject, 'CN=www.example.org');
      assert.ok(pair.certificateChainPem.includes(new X509Certificate(ca.certPem).toString().trim()));
      assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      assert.ok(leafOf(pair.certificateChainPem).checkPrivateKey(createPrivateKey(pair.privateKeyPem)));
    });

    test('a PKCS#12 bundle with a passphrase is refused as Octavia refuses it', () => {
      assert.throws(() => keyPairFromBundle(pkcs12(ca, server, 'secret')), UnreadablePkcs12);
    });

    test('container parts: certificate, intermediates and a key', () => {
      const pair = keyPairFromParts({
        certificate: server.certPem,
        privateKey: server.keyPem,
        intermediates: ca.certPem,
      });
      assert.equal(leafOf(pair.certificateChainPem).subject, 'CN=www.example.org');
      assert.equal((pair.certificateChainPem.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
    });

    test('an encrypted private key opens with the container passphrase, and not without', () => {
      const encrypted = execFileSync(
        'openssl',
        ['pkey', '-in', server.keyFile, '-aes256', '-passout', 'pass:open sesame'],
        { encoding: 'utf8' },
      );
      const pair = keyPairFromParts({ certificate: server.certPem, privateKey: encrypted, passphrase: 'open sesame' });
      assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      assert.throws(
        () => keyPairFromParts({ certificate: server.certPem, privateKey: encrypted }),
        UnusableKeyMaterial,
      );
    });

    test('a PEM bundle in one secret', () => {
      const pair = keyPairFromBundle(Buffer.from(server.chainPem + server.keyPem));
      assert.equal(leafOf(pair.certificateChainPem).subject, 'CN=www.example.org');
    });

    test("a key that is not the certificate's is refused", () => {
      const other = ca.issue({ commonName: 'other.example.org', keyType });
      assert.throws(
        () => keyPairFromParts({ certificate: server.certPem, privateKey: other.keyPem }),
        /does not match the certificate/,
      );
    });

    test('a CRL signed by the client CA is accepted, one of another CA is not', () => {
      ca.revoke(ca.issue({ commonName: 'revoked', usage: 'client', keyType }));
      const crl = ca.crlPem();
      assert.match(revocationListPem(crl, ca.certPem), /BEGIN X509 CRL/);
      const stranger = TestCa.create(dir, `stranger ${keyType}`, keyType);
      assert.throws(() => revocationListPem(crl, stranger.certPem), /not signed by the client certificate authority/);
    });
  });
}

test('garbage is neither PKCS#12 nor PEM', () => {
  assert.throws(() => keyPairFromBundle(Buffer.from('not a bundle')), UnreadablePkcs12);
  assert.throws(() => keyPairFromParts({ certificate: 'x', privateKey: 'y' }), /no PEM certificate/);
});
