// The key manager in keystone mode: Barbican's default roles decide, every object stays in its project, and a
// token without a project (system scope) is refused, administrators' included.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Harness } from './harness.ts';

const ALPHA = '1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a';
const BETA = '2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b';

let h: Harness;
before(async () => {
  h = await Harness.start({ auth: 'keystone' });
});
after(() => h.close());

const as = (projectId: string | undefined, roles: string[], system = false) => ({
  'x-auth-token': h.keystone!.issue(system ? { roles, system } : { projectId, roles }),
});

test('members store and read payloads, readers see metadata only, other projects and system scope nothing', async () => {
  const member = as(ALPHA, ['member', 'reader']);
  const stored = await h.req(
    'POST',
    '/v1/secrets',
    { name: 'tls-key', payload: 'key material', payload_content_type: 'text/plain' },
    { headers: member },
  );
  assert.equal(stored.status, 201, stored.text);
  const path = new URL(stored.body.secret_ref).pathname;
  const payload = (headers: Record<string, string>) =>
    h.req('GET', `${path}/payload`, undefined, { headers: { ...headers, accept: 'text/plain' } });
  assert.equal((await payload(member)).text, 'key material');

  const reader = as(ALPHA, ['reader']);
  assert.equal((await h.req('GET', path, undefined, { headers: reader })).status, 200);
  const refused = await payload(reader);
  assert.equal(refused.status, 403);
  assert.deepEqual(refused.body, {
    code: 403,
    title: 'Forbidden',
    description: 'Secret payload retrieval attempt not allowed - please review your user/project privileges',
  });
  assert.equal((await h.req('DELETE', path, undefined, { headers: reader })).status, 403);
  const noRole = await h.req('GET', '/v1/secrets', undefined, { headers: as(ALPHA, ['load-balancer_member']) });
  assert.equal(noRole.status, 403);

  const admin = as(BETA, ['admin', 'member', 'reader']);
  assert.equal((await h.req('GET', path, undefined, { headers: admin })).status, 404);
  assert.equal((await payload(admin)).status, 404);
  assert.equal((await h.req('GET', '/v1/secrets', undefined, { headers: admin })).body.total, 0);
  assert.equal((await h.req('GET', '/v1/secrets', undefined, { headers: as(undefined, ['admin'], true) })).status, 403);

  const anonymous = await fetch(`${h.base}${path}`);
  assert.equal(anonymous.status, 401);
  assert.equal((await fetch(`${h.base}/v1`)).status, 200);
});
