// The key manager's Barbican v1 subset through a real weir: secrets, containers, project scoping, error bodies, and
// listeners and pools whose references are read and checked as Octavia checks them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pkcs12, TestCa } from '../../support/test-pki.ts';
import { Harness, type Json } from './harness.ts';

const OTHER_PROJECT = { 'x-project-id': 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' };

let h: Harness;
let ca: TestCa;
before(async () => {
  h = await Harness.start();
  ca = TestCa.create(h.dir, 'km ca');
});
after(() => h.close());

async function storeSecret(body: Json, headers: Record<string, string> = {}): Promise<string> {
  const reply = await h.req('POST', '/v1/secrets', body, { headers });
  assert.equal(reply.status, 201, reply.text);
  return reply.body.secret_ref as string;
}
const storeText = (payload: string, name?: string) =>
  storeSecret({ name, payload, payload_content_type: 'text/plain' });
const storeBytes = (payload: Buffer, name?: string) =>
  storeSecret({
    name,
    payload: payload.toString('base64'),
    payload_content_type: 'application/octet-stream',
    payload_content_encoding: 'base64',
  });
const path = (ref: string) => new URL(ref).pathname;

async function certificateContainer(parts: Record<string, string>): Promise<string> {
  const secretRefs = [];
  for (const [name, text] of Object.entries(parts)) secretRefs.push({ name, secret_ref: await storeText(text) });
  const reply = await h.post('/v1/containers', { type: 'certificate', name: 'tls', secret_refs: secretRefs });
  assert.equal(reply.status, 201, reply.text);
  return reply.body.container_ref as string;
}

describe('secrets', () => {
  test('a one-step text secret: its ref is absolute, its metadata JSON, its payload text', async () => {
    const ref = await storeText('s3cr3t text', 'db-password');
    assert.match(ref, new RegExp(`^${h.base}/v1/secrets/[0-9a-f-]{36}$`));
    const meta = await h.get(path(ref));
    assert.equal(meta.status, 200);
    assert.equal(meta.body.name, 'db-password');
    assert.equal(meta.body.status, 'ACTIVE');
    assert.equal(meta.body.secret_type, 'opaque');
    assert.deepEqual(meta.body.content_types, { default: 'text/plain' });
    assert.equal(meta.body.secret_ref, ref);
    assert.equal(meta.body.consumers, undefined, 'consumers only from microversion 1.1');
    const payload = await h.req('GET', `${path(ref)}/payload`, undefined, { headers: { accept: 'text/plain' } });
    assert.equal(payload.status, 200);
    assert.equal(payload.text, 's3cr3t text');
    const legacy = await h.req('GET', path(ref), undefined, { headers: { accept: 'text/plain' } });
    assert.equal(legacy.text, 's3cr3t text');
  });

  test('a binary secret comes back byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    const ref = await storeBytes(bytes);
    const response = await fetch(`${ref}/payload`, { headers: { accept: 'application/octet-stream' } });
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
  });

  test('two steps: metadata first, then the payload with PUT, once', async () => {
    const ref = await storeSecret({ name: 'later' });
    assert.equal((await h.get(path(ref))).body.content_types, undefined);
    const empty = await h.req('GET', `${path(ref)}/payload`, undefined, { headers: { accept: '*/*' } });
    assert.equal(empty.status, 404);
    const put = await h.req('PUT', path(ref), 'second step', { raw: true, contentType: 'text/plain' });
    assert.equal(put.status, 204, put.text);
    const payload = await h.req('GET', `${path(ref)}/payload`, undefined, { headers: { accept: 'text/plain' } });
    assert.equal(payload.text, 'second step');
    const again = await h.req('PUT', path(ref), 'third', { raw: true, contentType: 'text/plain' });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      code: 409,
      title: 'Conflict',
      description: 'Secret already has data, cannot modify it.',
    });
    const base64 = await storeSecret({ name: 'b64' });
    const put64 = await h.req('PUT', path(base64), Buffer.from('bytes!').toString('base64'), {
      raw: true,
      contentType: 'application/octet-stream',
      headers: { 'content-encoding': 'base64' },
    });
    assert.equal(put64.status, 204);
    const got = await fetch(`${base64}/payload`);
    assert.equal(Buffer.from(await got.arrayBuffer()).toString(), 'bytes!');
  });

  test("refusals in Barbican's shape", async () => {
    const noType = await h.post('/v1/secrets', { payload: 'x' });
    assert.equal(noType.status, 400);
    assert.deepEqual(Object.keys(noType.body).sort(), ['code', 'description', 'title']);
    assert.match(
      noType.body.description,
      /^Secret creation issue seen - .*'payload_content_type' must also be supplied/,
    );
    const badEncoding = await h.post('/v1/secrets', {
      payload: 'x',
      payload_content_type: 'application/octet-stream',
    });
    assert.equal(badEncoding.status, 400);
    assert.match(badEncoding.body.description, /payload_content_encoding/);
    const missing = await h.get('/v1/secrets/00000000-0000-4000-8000-000000000000');
    assert.deepEqual(missing.body, { code: 404, title: 'Not Found', description: 'Secret not found.' });
  });

  test('list pages with limit and offset and filters by name', async () => {
    for (const n of [1, 2, 3]) await storeText(`p${n}`, 'paged');
    const first = await h.get('/v1/secrets?name=paged&limit=2');
    assert.equal(first.body.total, 3);
    assert.equal(first.body.secrets.length, 2);
    assert.match(first.body.next, /offset=2/);
    const second = await h.get('/v1/secrets?name=paged&limit=2&offset=2');
    assert.equal(second.body.secrets.length, 1);
    assert.ok(second.body.previous);
    assert.equal(second.body.next, undefined);
  });

  test('another project sees nothing: not in lists, 404 on read, payload and delete', async () => {
    const ref = await storeText('mine only', 'private');
    const headers = OTHER_PROJECT;
    const list = await h.req('GET', '/v1/secrets?name=private', undefined, { headers });
    assert.equal(list.body.total, 0);
    for (const [method, suffix] of [
      ['GET', ''],
      ['GET', '/payload'],
      ['DELETE', ''],
    ] as const) {
      const reply = await h.req(method, `${path(ref)}${suffix}`, undefined, { headers });
      assert.equal(reply.status, 404, `${method} ${suffix}`);
    }
    assert.equal((await h.get(path(ref))).status, 200);
  });

  test('the root paths answer too, as barbicanclient uses them with --os-endpoint', async () => {
    const ref = await storeText('root', 'at-root');
    const viaRoot = await h.get(`/secrets/${ref.split('/').pop()}`);
    assert.equal(viaRoot.status, 200);
    assert.equal(viaRoot.body.secret_ref, ref);
  });

  test("metadata and the project-only ACL, as Terraform's openstack_keymanager_secret_v1 uses them", async () => {
    const ref = await storeText('with metadata');
    const put = await h.put(`${path(ref)}/metadata`, { metadata: { Owner: 'web', env: 'prod' } });
    assert.equal(put.status, 201);
    assert.deepEqual((await h.get(`${path(ref)}/metadata`)).body, { metadata: { owner: 'web', env: 'prod' } });
    assert.equal((await h.post(`${path(ref)}/metadata`, { key: 'tier', value: 'front' })).status, 201);
    assert.equal((await h.post(`${path(ref)}/metadata`, { key: 'tier', value: 'x' })).status, 409);
    assert.equal((await h.put(`${path(ref)}/metadata/tier`, { key: 'tier', value: 'back' })).status, 200);
    assert.deepEqual((await h.get(`${path(ref)}/metadata/tier`)).body, { key: 'tier', value: 'back' });
    assert.equal((await h.del(`${path(ref)}/metadata/env`)).status, 204);
    assert.deepEqual((await h.get(`${path(ref)}/metadata`)).body.metadata, { owner: 'web', tier: 'back' });
    assert.deepEqual((await h.get(`${path(ref)}/acl`)).body, { read: { 'project-access': true } });
    const foreign = await h.req('GET', `${path(ref)}/metadata`, undefined, { headers: OTHER_PROJECT });
    assert.equal(foreign.status, 404);
  });

  test('delete removes metadata and payload', async () => {
    const ref = await storeText('short lived');
    assert.equal((await h.del(path(ref))).status, 204);
    assert.equal((await h.get(path(ref))).status, 404);
  });
});

describe('containers', () => {
  test('a certificate container: created, shown, listed, deleted', async () => {
    const server = ca.issue({ commonName: 'c.example.org' });
    const ref = await certificateContainer({ certificate: server.certPem, private_key: server.keyPem });
    const shown = await h.get(path(ref));
    assert.equal(shown.status, 200);
    assert.equal(shown.body.type, 'certificate');
    assert.deepEqual(shown.body.secret_refs.map((s: Json) => s.name).sort(), ['certificate', 'private_key']);
    assert.deepEqual(shown.body.consumers, []);
    const list = await h.get('/v1/containers?type=certificate');
    assert.ok(list.body.containers.some((c: Json) => c.container_ref === ref));
    assert.equal((await h.del(path(ref))).status, 204);
    assert.equal((await h.get(path(ref))).status, 404);
  });

  test("refused: no certificate, an unknown name, another project's secret", async () => {
    const secret = await storeText('x');
    const noCert = await h.post('/v1/containers', {
      type: 'certificate',
      secret_refs: [{ name: 'private_key', secret_ref: secret }],
    });
    assert.equal(noCert.status, 400);
    assert.match(noCert.body.description, /minimum required reference name is 'certificate'/);
    const unknown = await h.post('/v1/containers', {
      type: 'certificate',
      secret_refs: [
        { name: 'certificate', secret_ref: secret },
        { name: 'cert2', secret_ref: await storeText('y') },
      ],
    });
    assert.equal(unknown.status, 400);
    const foreign = await h.req(
      'POST',
      '/v1/containers',
      { type: 'generic', secret_refs: [{ name: 'a', secret_ref: secret }] },
      { headers: OTHER_PROJECT },
    );
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.description, "Secret provided for 'a' doesn't exist.");
  });
});

describe('listeners and pools read their references', () => {
  let lb: Json;
  before(async () => {
    lb = await h.createLb();
  });
  let port = 1000;
  const listener = (extra: Json) =>
    h.post('listeners', {
      listener: { loadbalancer_id: lb.id, protocol: 'TERMINATED_HTTPS', protocol_port: ++port, ...extra },
    });

  test('a certificate container, a PKCS#12 secret (EC and RSA) and a PEM bundle are accepted', async () => {
    const server = ca.issue({ commonName: 'www.example.org' });
    const rsaCa = TestCa.create(h.dir, 'km rsa ca', 'rsa');
    const rsa = rsaCa.issue({ commonName: 'rsa.example.org', keyType: 'rsa' });
    const refs = [
      await certificateContainer({
        certificate: server.certPem,
        private_key: server.keyPem,
        intermediates: ca.certPem,
      }),
      await storeBytes(pkcs12(ca, server)),
      await storeBytes(pkcs12(rsaCa, rsa)),
      await storeText(server.chainPem + server.keyPem),
    ];
    const reply = await listener({ default_tls_container_ref: refs[0], sni_container_refs: refs.slice(1) });
    assert.equal(reply.status, 201, reply.text);
    await h.waitActive(lb.id as string);
    const shown = await h.get(`listeners/${reply.body.listener.id}`);
    assert.equal(shown.body.listener.provisioning_status, 'ACTIVE');

    const consumers = await h.get(path(refs[0]!));
    assert.deepEqual(consumers.body.consumers, [
      { name: 'weir', URL: `${h.base}/v2/lbaas/listeners/${reply.body.listener.id}` },
    ]);
    const refused = await h.del(path(refs[0]!));
    assert.equal(refused.status, 400);
    assert.match(refused.body.description, /has consumers/);
    const secret = await h.req('GET', path(refs[1]!), undefined, {
      headers: { 'openstack-api-version': 'key-manager 1.1' },
    });
    assert.deepEqual(secret.body.consumers, [
      { service: 'weir', resource_type: 'listener', resource_id: reply.body.listener.id },
    ]);
    assert.equal((await h.del(path(refs[1]!))).status, 400);
  });

  test("unknown, another project's, or a key that is not the certificate's: Octavia's 400", async () => {
    const server = ca.issue({ commonName: 'www.example.org' });
    const other = ca.issue({ commonName: 'other.example.org' });
    const unknown = `${h.base}/v1/containers/00000000-0000-4000-8000-000000000000`;
    const foreignReply = await h.req(
      'POST',
      '/v1/secrets',
      {
        payload: pkcs12(ca, server).toString('base64'),
        payload_content_type: 'application/octet-stream',
        payload_content_encoding: 'base64',
      },
      { headers: OTHER_PROJECT },
    );
    const foreign = foreignReply.body.secret_ref as string;
    const mismatched = await certificateContainer({ certificate: server.certPem, private_key: other.keyPem });
    for (const ref of [unknown, foreign, mismatched, 'not a reference']) {
      const reply = await listener({ default_tls_container_ref: ref });
      assert.equal(reply.status, 400, ref);
      assert.equal(reply.body.faultstring, `Could not retrieve certificate: ['${ref}']`);
    }
    const locked = await listener({ default_tls_container_ref: await storeBytes(pkcs12(ca, server, 'pass')) });
    assert.equal(locked.status, 400);
    assert.match(
      locked.body.faultstring,
      /^The PKCS12 bundle is unreadable\. .* make sure it does not require a pass phrase/,
    );
  });

  test('client CA and CRL: PEM secrets, the CRL signed by that CA', async () => {
    const server = ca.issue({ commonName: 'mtls.example.org' });
    const cert = await storeBytes(pkcs12(ca, server));
    const caRef = await storeText(ca.certPem);
    const crlRef = await storeText(ca.crlPem());
    const ok = await listener({
      default_tls_container_ref: cert,
      client_authentication: 'MANDATORY',
      client_ca_tls_container_ref: caRef,
      client_crl_container_ref: crlRef,
    });
    assert.equal(ok.status, 201, ok.text);
    await h.waitActive(lb.id as string);
    const stranger = TestCa.create(h.dir, 'km stranger');
    const wrongCrl = await listener({
      default_tls_container_ref: cert,
      client_ca_tls_container_ref: caRef,
      client_crl_container_ref: await storeText(stranger.crlPem()),
    });
    assert.equal(wrongCrl.status, 400);
    assert.equal(
      wrongCrl.body.faultstring,
      'Validation failure: The CRL specified is not valid for client certificate authority reference supplied.',
    );
    const crlAlone = await listener({ default_tls_container_ref: cert, client_crl_container_ref: crlRef });
    assert.equal(
      crlAlone.body.faultstring,
      'Validation failure: A client authentication CA reference is required to specify a client authentication revocation list.',
    );
    const mandatoryAlone = await listener({ default_tls_container_ref: cert, client_authentication: 'MANDATORY' });
    assert.equal(
      mandatoryAlone.body.faultstring,
      'Validation failure: Client authentication setting MANDATORY requires a client CA container reference.',
    );
    const notCa = await listener({
      default_tls_container_ref: cert,
      client_ca_tls_container_ref: await storeText('x'),
    });
    assert.equal(notCa.status, 400);
    assert.match(notCa.body.faultstring, /^Validation failure: The client authentication CA certificate is invalid/);
  });

  test("a pool's client certificate and CA", async () => {
    const client = ca.issue({ commonName: 'lb-client', usage: 'client' });
    const pool = await h.post('pools', {
      pool: {
        loadbalancer_id: lb.id,
        protocol: 'HTTP',
        lb_algorithm: 'ROUND_ROBIN',
        tls_enabled: true,
        tls_container_ref: await certificateContainer({ certificate: client.certPem, private_key: client.keyPem }),
        ca_tls_container_ref: await storeText(ca.certPem),
      },
    });
    assert.equal(pool.status, 201, pool.text);
    await h.waitActive(lb.id as string);
    const bad = await h.put(`pools/${pool.body.pool.id}`, {
      pool: { tls_container_ref: `${h.base}/v1/secrets/00000000-0000-4000-8000-000000000000` },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.faultstring, /^Could not retrieve certificate/);
    const crlAlone = await h.put(`pools/${pool.body.pool.id}`, {
      pool: { ca_tls_container_ref: null, crl_container_ref: await storeText(ca.crlPem()) },
    });
    assert.equal(
      crlAlone.body.faultstring,
      'Validation failure: A CA certificate reference is required to specify a revocation list.',
    );
  });
});

describe('at rest and in the audit trail', () => {
  test('payloads are neither in the database files nor in the audit trail', async () => {
    const marker = `payload-marker-${Date.now()}`;
    const ref = await storeText(marker, 'marked');
    await storeBytes(Buffer.from(`${marker}-bytes`));
    await h.req('PUT', path(await storeSecret({ name: 'marked-2' })), `${marker}-put`, {
      raw: true,
      contentType: 'text/plain',
    });
    const server = ca.issue({ commonName: 'audit.example.org' });
    const keyRef = await storeText(server.keyPem);
    assert.ok(ref && keyRef);
    const keyBody = server.keyPem.split('\n')[1]!;
    // Everything in the data directory: the database, its WAL, the audit trail; the key file itself aside.
    const files = execFileSync(
      'find',
      [h.dir, '-type', 'f', '-not', '-name', 'key-manager.key', '-not', '-path', '*km*'],
      {
        encoding: 'utf8',
      },
    )
      .trim()
      .split('\n');
    assert.ok(files.some((f) => f.endsWith('weir.sqlite')));
    assert.ok(files.some((f) => f.endsWith('audit.jsonl')));
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const needle of [marker, Buffer.from(marker).toString('base64'), keyBody]) {
        assert.equal(bytes.includes(needle), false, `${needle.slice(0, 20)} found in ${file}`);
      }
    }
    const audit = readFileSync(join(h.dir, 'audit.jsonl'), 'utf8');
    assert.match(audit, /"kind":"secret"/);
  });
});
