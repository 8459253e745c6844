// End to end: a real Keystone issues tokens for users with Octavia's roles; the real `openstack` CLI finds weir
// through Keystone's catalog and drives it; weir validates every token with that Keystone and applies the policy.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { subnetIdFor } from '../../src/network/stable-id.ts';
import { type KeystoneUser, KeystoneWeir } from './support/keystone-weir.ts';
import { keystoneSkipReason } from './support/local-keystone.ts';

const skip = keystoneSkipReason();

const USERS = {
  alice: { name: 'alice', project: 'alpha', roles: ['load-balancer_member', 'member'] },
  olga: { name: 'olga', project: 'alpha', roles: ['load-balancer_observer', 'member'] },
  bob: { name: 'bob', project: 'beta', roles: ['load-balancer_member', 'member'] },
  pat: { name: 'pat', project: 'alpha', roles: ['member'] },
  gail: { name: 'gail', project: 'beta', roles: ['load-balancer_global_observer', 'member'] },
} as const;

describe('the openstack CLI through Keystone against weir in keystone mode', { skip }, () => {
  let stack: KeystoneWeir | undefined;

  before(async () => {
    stack = await KeystoneWeir.start(Object.values(USERS));
  });

  after(async () => {
    await stack?.close();
  });

  /** Runs `openstack loadbalancer ...` as a user; resolves with exit code, stdout and stderr. */
  const cli = (user: KeystoneUser, ...args: string[]) => stack!.openstack(user, ['loadbalancer', ...args]);
  const json = async (user: KeystoneUser, ...args: string[]) => {
    const result = await cli(user, ...args, '-f', 'json');
    assert.equal(
      result.code,
      0,
      `${user.name}: ${args.join(' ')}\n${result.stderr}\n${stack?.weir.output.slice(-2000)}`,
    );
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
