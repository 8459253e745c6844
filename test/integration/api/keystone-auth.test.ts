import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeystoneClient, KeystoneUnavailable } from '../../../src/api/auth/keystone/keystone-client.ts';
import { ADMIN_PROJECT, assertFault, Harness, type Json, tokenOf } from './harness.ts';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const MEMBER = ['load-balancer_member', 'member', 'reader'];
const UNAUTHORIZED = {
  error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
};

describe('keystone mode: who may call at all', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ auth: 'keystone' });
  });
  after(() => h.close());

  test('a request without a token, or with one Keystone does not know, gets 401 and no data', async () => {
    for (const headers of [{ 'x-auth-token': '' }, { 'x-auth-token': 'not-a-token' }]) {
      for (const path of ['loadbalancers', '/v2.0/lbaas/pools', '/v2.0/subnets', '/v2/lbaas/no-such-thing']) {
        const reply = await h.req('GET', path, undefined, { headers });
        assert.equal(reply.status, 401, path);
        assert.deepEqual(reply.body, UNAUTHORIZED);
      }
    }
    const response = await fetch(h.url('loadbalancers'));
    assert.equal(response.headers.get('www-authenticate'), `Keystone uri="${h.keystone!.url}"`);
  });

  test('version discovery and the health check answer without a token', async () => {
    const headers = { 'x-auth-token': '' };
    assert.equal((await h.req('GET', '/', undefined, { headers })).status, 200);
    assert.equal((await h.req('GET', '/healthcheck', undefined, { headers })).status, 200);
  });

  test('an expired token is refused even while cached', async () => {
    const token = h.keystone!.issue({ projectId: A, roles: MEMBER, expiresInMs: 400 });
    const headers = { 'x-auth-token': token };
    assert.equal((await h.req('GET', 'loadbalancers', undefined, { headers })).status, 200);
    await sleep(500);
    assert.equal((await h.req('GET', 'loadbalancers', undefined, { headers })).status, 401);
  });

  test('a validated token is cached: Keystone is asked once for many requests', async () => {
    const headers = tokenOf(h, A, MEMBER);
    const before = h.keystone!.validations;
    for (let i = 0; i < 5; i++) assert.equal((await h.req('GET', 'loadbalancers', undefined, { headers })).status, 200);
    assert.equal(h.keystone!.validations - before, 1);
  });

  test('weir renews its own service token when Keystone stops accepting it', async () => {
    h.keystone!.forgetServiceTokens();
    assert.equal((await h.req('GET', 'listeners', undefined, { headers: tokenOf(h, A, MEMBER) })).status, 200);
  });

  test('Keystone failing answers 503, never data and never 401', async () => {
    h.keystone!.setDown(true);
    try {
      const reply = await h.req('GET', 'loadbalancers', undefined, { headers: tokenOf(h, A, MEMBER) });
      assert.equal(reply.status, 503);
      assert.equal((reply.body as Json).error.code, 503);
    } finally {
      h.keystone!.setDown(false);
    }
  });

  test('a system-scoped admin token sees every project', async () => {
    const { lb } = await h.createTree();
    const system = { 'x-auth-token': h.keystone!.issue({ system: true, roles: ['admin', 'member', 'reader'] }) };
    const listed = await h.req('GET', 'loadbalancers', undefined, { headers: system });
    assert.equal(listed.status, 200);
    assert.ok((listed.body.loadbalancers as Json[]).some((l) => l.id === lb.id));
  });
});

describe('keystone mode: revocation', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ auth: 'keystone', tokenCacheTime: 1 });
  });
  after(() => h.close());

  test('a revoked token stops working within token_cache_time', async () => {
    const headers = tokenOf(h, A, MEMBER);
    assert.equal((await h.req('GET', 'loadbalancers', undefined, { headers })).status, 200);
    h.keystone!.revoke(headers['x-auth-token']!);
    let status = 200;
    const deadline = Date.now() + 5_000;
    while (status === 200 && Date.now() < deadline) {
      await sleep(200);
      status = (await h.req('GET', 'loadbalancers', undefined, { headers })).status;
    }
    assert.equal(status, 401);
  });
});

describe('keystone mode: projects in bodies, and the audit trail of refusals', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ auth: 'keystone' });
  });
  after(() => h.close());

  test('a member cannot create a load balancer for another project by naming it in the body', async () => {
    const reply = await h.req(
      'POST',
      'loadbalancers',
      { loadbalancer: { vip_subnet_id: h.subnetId, project_id: B } },
      { headers: tokenOf(h, A, MEMBER) },
    );
    assertFault(reply, 403, 'Policy does not allow this request to be performed.');
  });

  test("children belong to their load balancer's project, whatever the body says", async () => {
    const headers = tokenOf(h, A, MEMBER);
    const lb = (await h.req('POST', 'loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId } }, { headers })).body
      .loadbalancer as Json;
    assert.equal(lb.project_id, A);
    await h.waitActive(lb.id);
    const listener = await h.req(
      'POST',
      'listeners',
      { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 80, project_id: B } },
      { headers },
    );
    assert.equal(listener.status, 201);
    assert.equal(listener.body.listener.project_id, A);
  });

  test('guessed ids of another project are refused, and the refusals are audited', async () => {
    const { lb, listener } = await h.createTree();
    const outsider = tokenOf(h, B, MEMBER);
    assertFault(
      await h.req('GET', `loadbalancers/${lb.id}`, undefined, { headers: outsider }),
      403,
      'Policy does not allow this request to be performed.',
    );
    assertFault(
      await h.req('PUT', `listeners/${listener.id}`, { listener: { name: 'mine' } }, { headers: outsider }),
      403,
      'Policy does not allow this request to be performed.',
    );
    assert.equal(
      (await h.req('DELETE', `loadbalancers/${lb.id}`, undefined, { headers: { 'x-auth-token': 'x' } })).status,
      401,
    );
    const entries = readFileSync(join(h.dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    const refusedPut = entries.find((e) => e.method === 'PUT' && e.path.endsWith(listener.id));
    assert.equal(refusedPut?.status, 403);
    assert.equal(refusedPut?.result, 'refused');
    assert.equal(refusedPut?.project_id, B);
    assert.equal(refusedPut?.action, 'listener:put');
    assert.deepEqual(refusedPut?.changes, []);
    const refusedDelete = entries.find((e) => e.method === 'DELETE' && e.status === 401);
    assert.equal(refusedDelete?.user, null);
    const created = entries.find((e) => e.method === 'POST' && e.changes.some((c: Json) => c.id === lb.id));
    assert.equal(created?.project_id, ADMIN_PROJECT);
    assert.deepEqual(created?.roles, ['admin', 'member', 'reader']);
    assert.ok(!readFileSync(join(h.dir, 'audit.jsonl'), 'utf8').includes(h.keystone!.serviceUser.password));
  });
});

describe('keystone mode: Keystone over HTTPS', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ auth: 'keystone', keystoneTls: true });
  });
  after(() => h.close());

  test('tokens are validated over TLS, trusting the CA in keystone.cafile and nothing else', async () => {
    assert.match(h.keystone!.url, /^https:/);
    assert.equal((await h.req('GET', 'loadbalancers', undefined, { headers: tokenOf(h, A, MEMBER) })).status, 200);
    const untrusting = new KeystoneClient({
      auth_url: h.keystone!.url,
      username: h.keystone!.serviceUser.username,
      password: h.keystone!.serviceUser.password,
      project_name: 'service',
      user_domain_name: 'Default',
      project_domain_name: 'Default',
      http_timeout: 2,
    });
    try {
      await assert.rejects(untrusting.validate('any'), KeystoneUnavailable);
    } finally {
      await untrusting.close();
    }
  });
});

describe('keystone mode: what is checked first', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ auth: 'keystone' });
  });
  after(() => h.close());

  // Side probes of the RBAC capture (test/fixtures/octavia-11/RBAC-README.md): the policy runs before the look-up
  // for flavors, after it for amphorae and project objects.
  test('an unknown id is 404 or 403 to a caller without rights, in the order Octavia checks', async () => {
    const plain = tokenOf(h, A, ['member', 'reader']);
    const unknown = '99999999-2222-3333-4444-555555555555';
    const get = (path: string) => h.req('GET', path, undefined, { headers: plain });
    assertFault(await get(`/v2/octavia/amphorae/${unknown}`), 404, `Amphora ${unknown} not found.`);
    assertFault(await get(`loadbalancers/${unknown}`), 404, `Load Balancer ${unknown} not found.`);
    assertFault(await get(`flavors/${unknown}`), 403, 'Policy does not allow this request to be performed.');
  });
});
