import assert from 'node:assert/strict';
import { randomUUID, X509Certificate } from 'node:crypto';
import { after, before, test } from 'node:test';
import { FIXTURE_PROJECT, KeyManagerFixture } from '../../test/support/key-manager-fixture.ts';
import { pkcs12, TestCa } from '../../test/support/test-pki.ts';
import { buildSpec } from '../controller/build-spec.ts';
import { resolveSubnets } from '../network/subnet.ts';
import type { StoredTree } from '../store/load-balancer-tree.ts';
import { KeyMaterialUnavailable, readSpecKeyMaterial } from './spec-key-material.ts';

const settings = { subnets: resolveSubnets([]), maxConnectionsPerLoadBalancer: 0 };
let km: KeyManagerFixture;
before(async () => {
  km = await KeyManagerFixture.open();
});
after(() => km.close());
const secret = (payload: string | Buffer, projectId?: string) => km.secret(payload, projectId);

async function container(parts: Record<string, string>): Promise<string> {
  const id = randomUUID();
  const secretRefs: { name: string; secret_ref: string }[] = [];
  for (const [name, text] of Object.entries(parts)) secretRefs.push({ name, secret_ref: await secret(text) });
  await km.store.transaction((tx) =>
    tx.insert('secret_container', { id, project_id: FIXTURE_PROJECT, type: 'certificate', secret_refs: secretRefs }),
  );
  return `http://weir.example/v1/containers/${id}`;
}

const treeWith = (listener: Record<string, unknown>, pool: Record<string, unknown> = {}): StoredTree => ({
  loadbalancer: {
    id: 'lb',
    project_id: FIXTURE_PROJECT,
    provider: 'noop',
    vip_address: '127.0.100.1',
    vip_subnet_id: 's',
  },
  listeners: [{ id: 'l', protocol: 'TERMINATED_HTTPS', protocol_port: 443, ...listener }],
  pools: [{ id: 'p', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', ...pool }],
  members: [],
  healthmonitors: [],
  l7policies: [],
  l7rules: [],
});

const subject = (chainPem: string) => new X509Certificate(chainPem).subject;

test("the spec carries the listener's and pool's key material, decrypted, default certificate first", async () => {
  const ca = TestCa.create(km.dir, 'spec ca');
  const www = ca.issue({ commonName: 'www.example.org' });
  const api = ca.issue({ commonName: 'api.example.org', keyType: 'rsa' });
  const client = ca.issue({ commonName: 'lb', usage: 'client' });
  const tree = treeWith(
    {
      default_tls_container_ref: await container({ certificate: www.certPem, private_key: www.keyPem }),
      sni_container_refs: [await secret(pkcs12(ca, api))],
      client_ca_tls_container_ref: await secret(ca.certPem),
      client_crl_container_ref: await secret(ca.crlPem()),
    },
    {
      tls_container_ref: await container({ certificate: client.certPem, private_key: client.keyPem }),
      ca_tls_container_ref: await secret(ca.certPem),
    },
  );
  const keys = await km.store.read((reader) => readSpecKeyMaterial(reader, tree, km.vault));
  const spec = buildSpec(tree, settings, keys);
  const tls = spec.listeners[0]!.tls;
  assert.deepEqual(
    tls.certificates.map((pair) => subject(pair.certificateChainPem)),
    ['CN=www.example.org', 'CN=api.example.org'],
  );
  assert.match(tls.certificates[1]!.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(new X509Certificate(tls.clientCaPem!).subject, 'CN=spec ca');
  assert.match(tls.clientCrlPem!, /BEGIN X509 CRL/);
  const pool = spec.pools[0]!.tls;
  assert.equal(subject(pool.clientCertificate!.certificateChainPem), 'CN=lb');
  assert.equal(new X509Certificate(pool.caPem!).subject, 'CN=spec ca');
  assert.equal(pool.crlPem, null);
});

test('a tree without references reads nothing and its spec has no key material', async () => {
  const tree = treeWith({ protocol: 'HTTP' });
  const spec = buildSpec(tree, settings, await km.store.read((reader) => readSpecKeyMaterial(reader, tree, km.vault)));
  assert.deepEqual(spec.listeners[0]!.tls.certificates, []);
  assert.equal(spec.pools[0]!.tls.clientCertificate, null);
});

test("a reference gone, or of another project, fails the build with the object's name and no content", async () => {
  const foreign = await secret('-----BEGIN CERTIFICATE-----', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
  const tree = treeWith({ default_tls_container_ref: foreign });
  await assert.rejects(
    km.store.read((reader) => readSpecKeyMaterial(reader, tree, km.vault)),
    (error: Error) =>
      error instanceof KeyMaterialUnavailable &&
      error.message.startsWith(`listener l: key manager reference ${foreign}: `) &&
      !error.message.includes('BEGIN'),
  );
});
