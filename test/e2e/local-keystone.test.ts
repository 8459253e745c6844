// End to end: a real local Keystone (test/e2e/support/local-keystone.ts) issues, validates and revokes tokens.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { keystoneSkipReason, type LocalKeystone, startKeystone } from './support/local-keystone.ts';

const skip = keystoneSkipReason();

type Json = Record<string, unknown>;

/** GET /v3/auth/tokens as the service: the status and, when 200, the token body. */
async function validate(keystone: LocalKeystone, serviceToken: string, subject: string): Promise<[number, Json]> {
  const response = await keystone.request('GET', '/auth/tokens', {
    token: serviceToken,
    headers: { 'x-subject-token': subject },
    expect: [200, 401, 403, 404],
  });
  const body = (await response.json()) as Json;
  return [response.status, body];
}

test('a local Keystone issues, validates and revokes project-scoped tokens', { skip, timeout: 300_000 }, async (t) => {
  const keystone = await startKeystone();
  t.diagnostic(`Keystone started in ${keystone.startupMs} ms (${JSON.stringify(keystone.startupPhases)})`);
  try {
    const alpha = await keystone.createProject('alpha');
    const beta = await keystone.createProject('beta');
    assert.notEqual(alpha, beta);
    const alice = await keystone.createUser('alice', 'alice-pw', alpha, ['load-balancer_member', 'member']);
    const bob = await keystone.createUser('bob', 'bob-pw', beta, ['load-balancer_observer']);
    assert.notEqual(alice, bob);
    assert.equal(await keystone.createRole('load-balancer_member'), await keystone.createRole('load-balancer_member'));

    // The service user a load balancer would validate tokens with: role `service` in project `service`.
    const serviceProject = await keystone.createProject('service');
    await keystone.createUser('weir', 'weir-pw', serviceProject, ['service']);
    const serviceToken = await keystone.token('weir', 'weir-pw', 'service');

    await keystone.addLoadBalancerEndpoint('http://127.0.0.1:9876');
    const aliceToken = await keystone.token('alice', 'alice-pw', 'alpha');
    const bobToken = await keystone.token('bob', 'bob-pw', 'beta');
    assert.notEqual(aliceToken, bobToken);

    const [status, body] = await validate(keystone, serviceToken, aliceToken);
    assert.equal(status, 200, JSON.stringify(body));
    const token = body.token as Json;
    assert.equal((token.project as Json).id, alpha);
    assert.equal((token.user as Json).id, alice);
    const roles = (token.roles as Json[]).map((role) => role.name).sort();
    // Keystone adds the roles `member` implies (bootstrap made member imply reader).
    assert.deepEqual(roles, ['load-balancer_member', 'member', 'reader']);
    const catalog = token.catalog as Json[];
    const loadBalancer = catalog.find((service) => service.type === 'load-balancer');
    assert.ok(loadBalancer, `no load-balancer in ${JSON.stringify(catalog)}`);
    const endpoints = (loadBalancer.endpoints as Json[]).map((e) => `${e.interface} ${e.region_id} ${e.url}`).sort();
    assert.deepEqual(endpoints, [
      'admin RegionOne http://127.0.0.1:9876',
      'internal RegionOne http://127.0.0.1:9876',
      'public RegionOne http://127.0.0.1:9876',
    ]);

    // A plain project member may not validate someone else's token.
    assert.equal((await validate(keystone, bobToken, aliceToken))[0], 403);

    await keystone.revoke(aliceToken);
    assert.equal((await validate(keystone, serviceToken, aliceToken))[0], 404);
    assert.equal((await validate(keystone, serviceToken, bobToken))[0], 200);
    assert.equal((await validate(keystone, 'not-a-token', bobToken))[0], 401);
  } finally {
    await keystone.close();
    await keystone.close();
  }
  assert.equal(existsSync(keystone.dir), false, 'temp dir removed');
  await assert.rejects(fetch(keystone.url), 'nothing listens after close()');
});
