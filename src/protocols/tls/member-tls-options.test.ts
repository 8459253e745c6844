import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type PeerCertificate, rootCertificates } from 'node:tls';
import { spec } from '../../../test/support/kernel-spec.ts';
import { TestCa } from '../../../test/support/test-pki.ts';
import type { PoolSpec } from '../../model/load-balancer-spec.ts';
import { memberTlsOptions, withServerName } from './member-tls-options.ts';

const tls = (fields: Partial<PoolSpec['tls']>): PoolSpec['tls'] => ({
  ...spec([]).pools[0]!.tls,
  enabled: true,
  ...fields,
});

test('without a CA nothing is verified; with one the chain is, and never a host name', () => {
  assert.equal(memberTlsOptions(tls({}), true).rejectUnauthorized, false);
  const verified = memberTlsOptions(tls({ caPem: rootCertificates[0]! }), true);
  assert.equal(verified.rejectUnauthorized, true);
  assert.equal(verified.checkServerIdentity('anything', {} as never), undefined);
});

test('ALPN: h2 is offered only when weir does not speak HTTP/1.1 over the connection; an empty list offers none', () => {
  const alpnProtocols = ['h2', 'http/1.1'];
  assert.deepEqual(memberTlsOptions(tls({ alpnProtocols }), true).ALPNProtocols, ['http/1.1']);
  assert.deepEqual(memberTlsOptions(tls({ alpnProtocols }), false).ALPNProtocols, ['h2', 'http/1.1']);
  assert.equal(memberTlsOptions(tls({ alpnProtocols: ['h2'] }), true).ALPNProtocols, undefined);
});

test('settings weir cannot use are refused with the reason', () => {
  assert.throws(() => memberTlsOptions(tls({ versions: ['SSLv3'] }), true), /tls_versions SSLv3: weir speaks TLSv1/);
  assert.throws(() => memberTlsOptions(tls({ ciphers: 'NO-SUCH-CIPHER' }), true), /no cipher match/);
  assert.throws(() => memberTlsOptions(tls({ caPem: 'x', crlPem: 'not a CRL' }), true), /Failed to parse CRL/);
});

test("with the client's server name: it is sent, and a verified certificate must name it as HAProxy matches names", () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-member-names-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ca = TestCa.create(dir, 'member names ca');
  const issued = ca.issue({ commonName: 'Named.Example', dnsNames: ['app.example', '*.wild.example'] });
  const peer = { raw: new X509Certificate(issued.certPem).raw } as PeerCertificate;
  const verified = memberTlsOptions(tls({ caPem: ca.certPem }), true);
  const check = (name: string) => {
    const options = withServerName(verified, name);
    assert.equal(options.servername, name);
    return options.checkServerIdentity(name, peer);
  };
  for (const name of ['app.example', 'APP.example', 'a.wild.example', 'named.example'])
    assert.equal(check(name), undefined, name);
  for (const name of ['other.example', 'wild.example', 'a.b.wild.example', 'pp.example']) {
    const error = check(name) as Error & { code?: string };
    assert.equal(error.code, 'HOSTNAME_MISMATCH', name);
    assert.equal(error.message, `the certificate does not name ${name}`);
  }
  // Without a CA nothing is verified, the name included; an IP address is no server name to send.
  const unverified = withServerName(memberTlsOptions(tls({}), true), 'other.example');
  assert.equal(unverified.servername, 'other.example');
  assert.equal(unverified.checkServerIdentity('other.example', peer), undefined);
  assert.equal(withServerName(verified, '10.0.0.1'), verified);
  assert.equal(withServerName(verified, '::1'), verified);
});
