// End to end: `openstack secret` (python3-barbicanclient) finds weir's key manager in a real Keystone's catalog,
// the same URL as its Octavia API, and stores and reads secrets scoped to the caller's project.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { keystoneSkipReason, type LocalKeystone, startKeystone } from './support/local-keystone.ts';
import { skipWithoutSecretCli } from './support/openstack-cli.ts';
import { makeDataDir, removeDataDir, WeirProcess } from './support/weir-process.ts';

const skip = keystoneSkipReason() || skipWithoutSecretCli;
const PASSWORD = 'e2e-password';
const USERS = {
  alice: { name: 'alice', project: 'alpha', roles: ['load-balancer_member', 'member'] },
  rita: { name: 'rita', project: 'alpha', roles: ['reader'] },
  bob: { name: 'bob', project: 'beta', roles: ['member'] },
} as const;
type User = (typeof USERS)[keyof typeof USERS];

describe('openstack secret through Keystone against weir in keystone mode', { skip }, () => {
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
      ['server:', '  auth: keystone', '  default_provider: noop', 'keystone:', `  auth_url: ${keystone.url}`]
        .concat(['  username: weir', `  password: ${PASSWORD}`, '  project_name: service'])
        .join('\n'),
    );
    weir = await WeirProcess.start(dataDir, { configFile });
    // Registered as operators register Barbican and Octavia: the unversioned URL, here one and the same.
    await keystone.addEndpoint('key-manager', 'barbican', weir.baseUrl);
    await keystone.addLoadBalancerEndpoint(weir.baseUrl);
  });

  after(async () => {
    await weir?.kill('SIGKILL');
    await keystone?.close();
    if (dataDir !== undefined) removeDataDir(dataDir);
  });

  function openstack(user: User, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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
      execFile('openstack', args, { env, timeout: 90_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  }
  const ok = async (user: User, ...args: string[]) => {
    const result = await openstack(user, ...args);
    assert.equal(result.code, 0, `${user.name}: ${args.join(' ')}\n${result.stderr}\n${weir?.output.slice(-2000)}`);
    return result.stdout;
  };

  test('members store and read their project secrets; readers list; other projects see nothing', async () => {
    const ref = (
      await ok(
        USERS.alice,
        'secret',
        'store',
        '--name',
        'db',
        '--payload',
        'hunter2',
        '-f',
        'value',
        '-c',
        'Secret href',
      )
    ).trim();
    assert.match(ref, new RegExp(`^${weir!.baseUrl}/v1/secrets/[0-9a-f-]{36}$`));
    assert.equal((await ok(USERS.alice, 'secret', 'get', '--payload', ref, '-f', 'value')).trim(), 'hunter2');

    assert.match(await ok(USERS.rita, 'secret', 'list', '-f', 'value', '-c', 'Name'), /^db$/m);
    const readerPayload = await openstack(USERS.rita, 'secret', 'get', '--payload', ref);
    assert.notEqual(readerPayload.code, 0);
    assert.match(readerPayload.stderr, /Forbidden/);

    assert.equal((await ok(USERS.bob, 'secret', 'list', '-f', 'value')).trim(), '');
    const outsider = await openstack(USERS.bob, 'secret', 'get', ref);
    assert.notEqual(outsider.code, 0);
    assert.match(outsider.stderr, /Not Found/);

    // The Octavia client, on the same URL, still finds its API.
    await ok(USERS.alice, 'loadbalancer', 'list');
    await ok(USERS.alice, 'secret', 'delete', ref);
  });
});
