import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rootCertificates } from 'node:tls';
import { spec } from '../../../test/support/kernel-spec.ts';
import type { PoolSpec } from '../../model/load-balancer-spec.ts';
import { memberTlsOptions } from './member-tls-options.ts';

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
