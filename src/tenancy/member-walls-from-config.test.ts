import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../config/load-config.ts';
import { formatIpAddress } from '../network/ip-address.ts';
import { StartupError } from '../server/startup-error.ts';
import { memberWallsFor } from './member-walls-from-config.ts';

const keystone = `keystone: {auth_url: "https://keystone:5000/v3", username: weir, password: s, project_name: service}\n`;
const walls = (yaml: string, api = [{ address: '127.0.0.1', family: 'IPv4', port: 9876 }]) =>
  memberWallsFor(parseConfig(yaml, 'weir.yaml'), () => api);
const endpoints = async (yaml: string, api?: { address: string; family: string; port: number }[]) =>
  (await walls(yaml, api)).ownEndpoints().map((e) => `${formatIpAddress(e.address)} ${e.port} ${e.name}`);

describe('member walls from the config', () => {
  test('loopback members: allowed with noauth, refused with keystone, unless set either way', async () => {
    assert.equal((await walls('')).allowLoopback, true);
    assert.equal((await walls(`server: {auth: keystone}\n${keystone}`)).allowLoopback, false);
    assert.equal((await walls('tenancy: {allow_loopback_members: false}')).allowLoopback, false);
    const keystoneAllowing = `server: {auth: keystone}\n${keystone}tenancy: {allow_loopback_members: true}`;
    assert.equal((await walls(keystoneAllowing)).allowLoopback, true);
  });

  test('link-local members are refused unless allowed', async () => {
    assert.equal((await walls('')).allowLinkLocal, false);
    assert.equal((await walls('tenancy: {allow_link_local_members: true}')).allowLinkLocal, true);
  });

  test('denied entries: CIDRs and single addresses, v4-mapped ones as IPv4', async () => {
    const { deniedNetworks } = await walls(
      'tenancy: {denied_member_cidrs: [10.250.0.0/16, 192.0.2.7, "2001:db8::1", "::ffff:198.51.100.0/120"]}',
    );
    assert.deepEqual(
      deniedNetworks.map((n) => n.text),
      ['10.250.0.0/16', '192.0.2.7/32', '2001:db8::1/128', '198.51.100.0/24'],
    );
  });

  test('socket directories are normalised', async () => {
    const { unixSocketDirectories } = await walls('tenancy: {unix_socket_directories: [/run/weir-members/, /srv]}');
    assert.deepEqual(unixSocketDirectories, ['/run/weir-members', '/srv']);
  });

  test("weir's own endpoints: where the API listens, read when asked, and a PostgreSQL store", async () => {
    assert.deepEqual(await endpoints(''), ["127.0.0.1 9876 weir's API"]);
    const both = [
      { address: '127.0.0.1', family: 'IPv4', port: 4000 },
      { address: '::1', family: 'IPv6', port: 4000 },
    ];
    assert.deepEqual(await endpoints('', both), ["127.0.0.1 4000 weir's API", "::1 4000 weir's API"]);
    const postgres = (url: string) => `store: {driver: postgres, postgres: {url: "${url}"}}`;
    assert.deepEqual(await endpoints(postgres('postgres://weir@192.0.2.9/weir'), []), [
      "192.0.2.9 5432 weir's state store",
    ]);
    assert.deepEqual(await endpoints(postgres('postgres://weir@[2001:db8::9]:6432/weir'), []), [
      "2001:db8::9 6432 weir's state store",
    ]);
    const local = await endpoints(postgres('postgres://weir@localhost/weir'), []);
    assert.ok(local.includes("127.0.0.1 5432 weir's state store"), local.join(', '));
  });

  test('a store host that does not resolve stops weir from starting', async () => {
    const config = 'store: {driver: postgres, postgres: {url: "postgres://weir@no-such-host.invalid/weir"}}';
    await assert.rejects(walls(config), (error: unknown) => {
      assert.ok(error instanceof StartupError);
      assert.match(error.message, /cannot resolve the store's host no-such-host\.invalid/);
      return true;
    });
  });
});
