import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TestCa } from '../../../test/support/test-pki.ts';
import { certificateAlgorithms } from './certificate-algorithms.ts';
import { clientCertificateHeaders } from './client-certificate-headers.ts';
import { NO_CLIENT_CERTIFICATE, peerCertificateFacts } from './peer-certificate-facts.ts';
import { x509VerifyCode } from './x509-verify-codes.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-facts-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ca = TestCa.create(dir, 'facts ca');

test('names print as HAProxy prints them, specials unescaped; times as ASN.1 UTCTime', () => {
  const issued = ca.issue({ commonName: 'a, b; c', usage: 'client', subject: { O: 'Example', OU: 'x=y' } });
  const facts = peerCertificateFacts(new X509Certificate(issued.certPem), 0);
  assert.equal(facts.subjectDn, '/CN=a, b; c/O=Example/OU=x=y');
  assert.equal(facts.issuerDn, '/CN=facts ca');
  assert.equal(facts.subjectFields.get('CN'), 'a, b; c');
  assert.match(facts.notBefore, /^\d{12}Z$/);
  assert.match(facts.sha1, /^[0-9A-F]{40}$/);
});

test('headers are all sent, empty without a certificate, as HAProxy set-header sends them', () => {
  const keys = ['X-SSL-Client-Verify', 'X-SSL-Client-Has-Cert', 'X-SSL-Client-DN'];
  assert.deepEqual(clientCertificateHeaders(keys, NO_CLIENT_CERTIFICATE), [
    'X-SSL-Client-Verify',
    '0',
    'X-SSL-Client-Has-Cert',
    '0',
    'X-SSL-Client-DN',
    '',
  ]);
});

test('verification errors are OpenSSL numbers', () => {
  assert.equal(x509VerifyCode(undefined), 0);
  assert.equal(x509VerifyCode('CERT_REVOKED'), 23);
  assert.equal(x509VerifyCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 21);
  assert.equal(x509VerifyCode('SOMETHING_NEW'), 1);
});

test('signature and key algorithms are named as HAProxy names them', () => {
  const ec = ca.issue({ commonName: 'ec' });
  const rsa = ca.issue({ commonName: 'rsa', keyType: 'rsa' });
  assert.deepEqual(certificateAlgorithms(new X509Certificate(ec.certPem)), {
    signature: 'ecdsa-with-SHA256',
    key: 'EC256',
  });
  assert.deepEqual(certificateAlgorithms(new X509Certificate(rsa.certPem)), {
    signature: 'ecdsa-with-SHA256',
    key: 'RSA2048',
  });
});
