/**
 * How the client commands authenticate, against weir in keystone mode (tokens validated by a stand-in Keystone)
 * and in noauth mode: OS_TOKEN as is; a Keystone v3 password login from the OS_* variables, scoped to the project,
 * its token in X-Subject-Token, weir found in the catalog when OS_ENDPOINT is not set; a refused login; noauth
 * acting for OS_PROJECT_ID.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness } from '../api/harness.ts';
import { WeirCli } from './support/in-process-cli.ts';

const ALPHA = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
const BETA = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';
const ROLES = ['load-balancer_member', 'member'];

describe('keystone mode', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ auth: 'keystone' });
    h.keystone!.addUser('alice', 'alice-secret', { projectId: ALPHA, roles: ROLES });
  });
  after(() => h.close());

  const login = (extra: Record<string, string> = {}) => ({
    OS_AUTH_URL: h.keystone!.url,
    OS_USERNAME: 'alice',
    OS_PASSWORD: 'alice-secret',
    OS_PROJECT_NAME: 'alpha',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    ...extra,
  });

  test('OS_TOKEN: the token is sent as it is and the objects are its project', async () => {
    const token = h.keystone!.issue({ projectId: BETA, roles: ROLES });
    const cli = new WeirCli({ OS_ENDPOINT: h.base, OS_TOKEN: token });
    const lb = await cli.json('loadbalancer', 'create', '--name', 'beta-lb', '--vip-subnet-id', h.subnetId, '--wait');
    assert.equal(lb.project_id, BETA);
    assert.equal(lb.provisioning_status, 'ACTIVE');
  });

  test('a password login, scoped as the OS_* variables say, whose token the API takes', async () => {
    const cli = new WeirCli(login({ OS_ENDPOINT: h.base }));
    const lb = await cli.json('loadbalancer', 'create', '--name', 'alpha-lb', '--vip-subnet-id', h.subnetId, '--wait');
    assert.equal(lb.project_id, ALPHA);
    assert.equal(await cli.ok('loadbalancer', 'list', '-f', 'value', '-c', 'name'), 'alpha-lb\n', 'not beta-lb');
    assert.deepEqual(h.keystone!.logins.at(-1)?.auth, {
      identity: {
        methods: ['password'],
        password: { user: { name: 'alice', domain: { name: 'Default' }, password: 'alice-secret' } },
      },
      scope: { project: { name: 'alpha', domain: { name: 'Default' } } },
    });
  });

  test("without OS_ENDPOINT, the catalog's public load-balancer endpoint", async () => {
    h.keystone!.catalog = [
      {
        type: 'load-balancer',
        name: 'octavia',
        endpoints: [
          { interface: 'internal', region_id: 'RegionOne', url: 'http://127.0.0.1:1' },
          { interface: 'public', region_id: 'RegionOne', url: h.base },
        ],
      },
    ];
    const cli = new WeirCli(login({ OS_PROJECT_NAME: '', OS_PROJECT_ID: ALPHA }));
    assert.equal(await cli.ok('loadbalancer', 'list', '-f', 'value', '-c', 'name'), 'alpha-lb\n');
    assert.deepEqual(h.keystone!.logins.at(-1)?.auth?.scope, { project: { id: ALPHA } });
  });

  test("a refused login: Keystone's message and status, exit 1", async () => {
    const run = await new WeirCli(login({ OS_ENDPOINT: h.base, OS_PASSWORD: 'wrong' })).run('loadbalancer', 'list');
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^Keystone refused the login of alice: .+ \(HTTP 401\)\n$/);
  });

  test('no credentials at all: the API refuses, and says so', async () => {
    const run = await new WeirCli({ OS_ENDPOINT: h.base }).run('loadbalancer', 'list');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /\(HTTP 401\)\n$/);
  });
});

describe('noauth mode', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
  });
  after(() => h.close());

  test('OS_PROJECT_ID is sent as X-Project-Id: the load balancer is that project', async () => {
    const cli = new WeirCli({ OS_ENDPOINT: h.base, OS_PROJECT_ID: ALPHA });
    assert.equal((await cli.json('loadbalancer', 'create', '--vip-subnet-id', 'local')).project_id, ALPHA);
    const none = new WeirCli({ OS_ENDPOINT: h.base });
    const lb = await none.json('loadbalancer', 'create', '--vip-subnet-id', 'local');
    assert.notEqual(lb.project_id, ALPHA, 'without it: the default project');
  });
});
