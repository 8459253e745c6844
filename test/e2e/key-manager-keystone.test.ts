// End to end: `openstack secret` (python3-barbicanclient) finds weir's key manager in a real Keystone's catalog,
// the same URL as its Octavia API, and stores and reads secrets scoped to the caller's project.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type KeystoneUser, KeystoneWeir } from './support/keystone-weir.ts';
import { keystoneSkipReason } from './support/local-keystone.ts';
import { skipWithoutSecretCli } from './support/openstack-cli.ts';

const skip = keystoneSkipReason() || skipWithoutSecretCli;
const USERS = {
  alice: { name: 'alice', project: 'alpha', roles: ['load-balancer_member', 'member'] },
  rita: { name: 'rita', project: 'alpha', roles: ['reader'] },
  bob: { name: 'bob', project: 'beta', roles: ['member'] },
} as const;

describe('openstack secret through Keystone against weir in keystone mode', { skip }, () => {
  let stack: KeystoneWeir | undefined;

  before(async () => {
    stack = await KeystoneWeir.start(Object.values(USERS));
  });

  after(async () => {
    await stack?.close();
  });

  const openstack = (user: KeystoneUser, ...args: string[]) => stack!.openstack(user, args);
  const ok = async (user: KeystoneUser, ...args: string[]) => {
    const result = await openstack(user, ...args);
    assert.equal(
      result.code,
      0,
      `${user.name}: ${args.join(' ')}\n${result.stderr}\n${stack?.weir.output.slice(-2000)}`,
    );
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
    assert.match(ref, new RegExp(`^${stack!.weir.baseUrl}/v1/secrets/[0-9a-f-]{36}$`));
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
