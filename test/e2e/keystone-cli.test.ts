// End to end: a real Keystone issues tokens for users with Octavia's roles; the real `openstack` CLI finds weir
// through Keystone's catalog and drives it; weir validates every token with that Keystone and applies the policy.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { subnetIdFor } from '../../src/network/stable-id.ts';
import { keystoneSkipReason, type LocalKeystone, startKeystone } from './support/local-keystone.ts';
import { makeDataDir, removeDataDir, WeirProcess } from './support/weir-process.ts';

const skip = keystoneSkipReason();
const PASSWORD = 'e2e-password';

interface User {
  name: string;
  project: 'alpha' | 'beta';
}
const USERS = {
  alice: { name: 'alice', project: 'alpha', roles: ['load-balancer_member', 'member'] },
  olga: { name: 'olga', project: 'alpha', roles: ['load-balancer_observer', 'member'] },
  bob: { name: 'bob', project: 'beta', roles: ['load-balancer_member', 'member'] },
  pat: { name: 'pat', project: 'alpha', roles: ['member'] },
  gail: { name: 'gail', project: 'beta', roles: ['load-balancer_global_observer', 'member'] },
} as const;

describe('the openstack CLI through Keystone against weir in keystone mode', { skip }, () => {
  let keystone: LocalKeystone | undefined;
  let weir: WeirProcess | undefined;
  let dataDir: string | undefined;

  before(async () => {
    keystone = await startKeystone();
    const projects = {
      alpha: await keystone.createProject('alpha'),
      beta: await keystone.createProject('beta'),
      service: await keystone.createProject('service'),
    };
    await keystone.createUser('weir', PASSWORD, projects.service, ['service']);
    for (const user of Object.values(USERS)) {
      await keystone.createUser(user.name, PASSWORD, projects[user.project], [...user.roles]);
    }
    dataDir = makeDataDir();
    const configFile = join(dataDir, 'weir.yaml');
    writeFileSync(
      configFile,
      [
        'server:',
        '  auth: keystone',
        // About identity, not traffic: the load balancers it creates get noop, which binds nothing on their VIPs.
        '  default_provider: noop',
        'keystone:',
        `  auth_url: ${keystone.url}`,
        '  username: weir',
        `  password: ${PASSWORD}`,
        '  project_name: service',
      ].join('\n'),
    );
    weir = await WeirProcess.start(dataDir, { configFile });
    await keystone.addLoadBalancerEndpoint(weir.baseUrl);
    // The CLI resolves --vip-subnet-id through Neutron; weir answers the read-only subnet look-ups itself.
    await keystone.addEndpoint('network', 'neutron', weir.baseUrl);
  });

  after(async () => {
    await weir?.kill('SIGKILL');
    await keystone?.close();
    if (dataDir !== undefined) removeDataDir(dataDir);
  });

  /** Runs `openstack loadbalancer ...` as a user; resolves with exit code, stdout and stderr. */
  function cli(user: User, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = {
      ...process.env,
      OS_AUTH_URL: keystone!.url,
      OS_USERNAME: user.name,
      OS_PASSWORD: PASSWORD,
      OS_PROJECT_NAME: user.project,
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_IDENTITY_API_VERSION: '3',
    };
    return new Promise((resolve) => {
      execFile('openstack', ['loadbalancer', ...args], { env, timeout: 90_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }
  const json = async (user: User, ...args: string[]) => {
    const result = await cli(user, ...args, '-f', 'json');
    assert.equal(result.code, 0, `${user.name}: ${args.join(' ')}\n${result.stderr}\n${weir?.output.slice(-2000)}`);
    return JSON.parse(result.stdout);
  };

  test('members write in their own project, observers read, outsiders and plain members are refused', async () => {
    const lb = await json(USERS.alice, 'create', '--name', 'web', '--vip-subnet-id', subnetIdFor('local'), '--wait');
    assert.equal(lb.provisioning_status, 'ACTIVE');

    const seenByObserver = await json(USERS.olga, 'list');
    assert.deepEqual(
      seenByObserver.map((l: { id: string }) => l.id),
      [lb.id],
    );
    const observerWrite = await cli(USERS.olga, 'create', '--name', 'x', '--vip-subnet-id', subnetIdFor('local'));
    assert.notEqual(observerWrite.code, 0);
    assert.match(observerWrite.stderr, /Policy does not allow this request to be performed/);

    assert.deepEqual(await json(USERS.bob, 'list'), []);
    const outsiderShow = await cli(USERS.bob, 'show', lb.id);
    assert.notEqual(outsiderShow.code, 0);
    assert.match(outsiderShow.stderr, /Policy does not allow this request to be performed/);
    const outsiderDelete = await cli(USERS.bob, 'delete', lb.id);
    assert.notEqual(outsiderDelete.code, 0);

    const plain = await cli(USERS.pat, 'list');
    assert.notEqual(plain.code, 0);
    assert.match(plain.stderr, /Policy does not allow this request to be performed/);

    const global = await json(USERS.gail, 'list');
    assert.ok(global.some((l: { id: string }) => l.id === lb.id));

    await json(USERS.alice, 'show', lb.id);
    const deleted = await cli(USERS.alice, 'delete', lb.id, '--wait');
    assert.equal(deleted.code, 0, deleted.stderr);
  });
});
