// End to end: the real `openstack loadbalancer` CLI (python-octaviaclient) against a real `weir serve` process.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertActive, type Json, NoauthCli, skipWithoutOpenstack as skip } from './support/openstack-cli.ts';
import {
  makeDataDir,
  NOOP_DEFAULT_PROVIDER,
  removeDataDir,
  sleep,
  WeirProcess,
  writeConfig,
} from './support/weir-process.ts';

let weir: WeirProcess | undefined;
let dataDir: string | undefined;
let cli: NoauthCli | undefined;

before(async () => {
  if (skip) return;
  dataDir = makeDataDir();
  // The CLI is driven through every API option, on a listener at port 80 of a VIP the proxy provider would bind:
  // load balancers that name no provider get noop here.
  weir = await WeirProcess.start(dataDir, { configFile: writeConfig(dataDir, NOOP_DEFAULT_PROVIDER) });
  cli = new NoauthCli(weir);
});

after(async () => {
  await weir?.kill('SIGKILL');
  if (dataDir !== undefined) removeDataDir(dataDir);
});

const os = (...args: string[]) => cli!.ok(...args);
const osJson = <T = Json>(...args: string[]) => cli!.json<T>(...args);

test('the openstack CLI drives a load balancer through its whole life', { skip, timeout: 300_000 }, async (t) => {
  const ids: Record<string, string> = {};

  await t.test('create lb1 on subnet `local` and wait', async () => {
    const lb = await osJson('create', '--name', 'lb1', '--vip-subnet-id', 'local', '--wait');
    assertActive(lb, 'lb1');
    assert.equal(lb.name, 'lb1');
    assert.equal(lb.provider, 'noop');
    assert.match(String(lb.vip_address), /^127\.0\.100\.\d+$/);
    assert.equal(lb.project_id, '00000000000000000000000000000000');
    ids.lb = String(lb.id);
  });

  await t.test('create listener, pool, members, health monitor, l7 policy and rule', async () => {
    const listener = await osJson(
      'listener',
      'create',
      '--name',
      'l1',
      '--protocol',
      'HTTP',
      '--protocol-port',
      '80',
      '--wait',
      'lb1',
    );
    assertActive(listener, 'l1');
    assert.equal(listener.name, 'l1');
    assert.equal(listener.protocol_port, 80);
    ids.listener = String(listener.id);

    const pool = await osJson(
      'pool',
      'create',
      '--name',
      'p1',
      '--lb-algorithm',
      'ROUND_ROBIN',
      '--listener',
      'l1',
      '--protocol',
      'HTTP',
      '--wait',
    );
    assertActive(pool, 'p1');
    assert.equal(pool.lb_algorithm, 'ROUND_ROBIN');
    ids.pool = String(pool.id);

    for (const [name, address] of [
      ['m1', '127.0.0.11'],
      ['m2', '127.0.0.12'],
    ] as const) {
      const member = await osJson(
        'member',
        'create',
        '--address',
        address,
        '--protocol-port',
        '8080',
        '--name',
        name,
        '--wait',
        'p1',
      );
      assertActive(member, name);
      assert.equal(member.address, address);
      assert.equal(member.protocol_port, 8080);
      assert.equal(member.weight, 1);
      ids[name] = String(member.id);
    }

    const hm = await osJson(
      'healthmonitor',
      'create',
      '--delay',
      '5',
      '--timeout',
      '3',
      '--max-retries',
      '3',
      '--type',
      'HTTP',
      '--name',
      'hm1',
      '--wait',
      'p1',
    );
    assertActive(hm, 'hm1');
    assert.equal(hm.type, 'HTTP');
    assert.equal(hm.delay, 5);
    ids.hm = String(hm.id);

    const policy = await osJson('l7policy', 'create', '--action', 'REJECT', '--name', 'pol1', '--wait', 'l1');
    assertActive(policy, 'pol1');
    assert.equal(policy.action, 'REJECT');
    assert.equal(policy.listener_id, ids.listener);
    ids.policy = String(policy.id);

    // Not `--wait`: python-octaviaclient 3.1.0 (Debian bookworm) swaps the ids when it re-reads the new rule
    // (CreateL7Rule calls l7rule_show(l7policy_id, rule_id) but the signature is (l7rule_id, l7policy_id)),
    // so `l7rule create --wait` fails with "<policy id> not found (HTTP 404)" against any server.
    const rule = await osJson(
      'l7rule',
      'create',
      '--compare-type',
      'STARTS_WITH',
      '--type',
      'PATH',
      '--value',
      '/admin',
      'pol1',
    );
    assert.equal(rule.value, '/admin');
    ids.rule = String(rule.id);
    let shown = rule;
    for (let i = 0; i < 20 && shown.provisioning_status !== 'ACTIVE'; i++) {
      await sleep(250);
      shown = await osJson('l7rule', 'show', 'pol1', ids.rule);
    }
    assertActive(shown, 'l7 rule');
  });

  await t.test('list and show every object', async () => {
    const lbs = await osJson<Json[]>('list');
    assert.equal(lbs.length, 1);
    assertActive(lbs[0]!, 'lb in list');
    assert.equal(lbs[0]!.provider, 'noop');
    assert.match(String(lbs[0]!.vip_address), /^127\.0\.100\.\d+$/);

    const listeners = await osJson<Json[]>('listener', 'list');
    assert.deepEqual(
      listeners.map((l) => [l.id, l.name, l.default_pool_id]),
      [[ids.listener, 'l1', ids.pool]],
    );
    const listener = await osJson('listener', 'show', 'l1');
    assertActive(listener, 'l1 show');
    assert.equal(listener.default_pool_id, ids.pool);
    assert.equal(listener.l7policies, ids.policy);

    const pools = await osJson<Json[]>('pool', 'list');
    assert.deepEqual(
      pools.map((p) => [p.id, p.name, p.provisioning_status]),
      [[ids.pool, 'p1', 'ACTIVE']],
    );
    const pool = await osJson('pool', 'show', 'p1');
    assert.equal(pool.healthmonitor_id, ids.hm);
    assert.deepEqual(String(pool.members).split('\n').sort(), [ids.m1, ids.m2].sort());

    const members = await osJson<Json[]>('member', 'list', 'p1');
    assert.deepEqual(members.map((m) => [m.name, m.address, m.provisioning_status]).sort(), [
      ['m1', '127.0.0.11', 'ACTIVE'],
      ['m2', '127.0.0.12', 'ACTIVE'],
    ]);
    const m1 = await osJson('member', 'show', 'p1', 'm1');
    assertActive(m1, 'm1 show');
    assert.equal(m1.id, ids.m1);

    const hms = await osJson<Json[]>('healthmonitor', 'list');
    assert.deepEqual(
      hms.map((h) => [h.id, h.name, h.type]),
      [[ids.hm, 'hm1', 'HTTP']],
    );
    const hm = await osJson('healthmonitor', 'show', 'hm1');
    assertActive(hm, 'hm1 show');
    assert.equal(hm.pools, ids.pool);

    const policies = await osJson<Json[]>('l7policy', 'list');
    assert.deepEqual(
      policies.map((p) => [p.id, p.name, p.action, p.provisioning_status]),
      [[ids.policy, 'pol1', 'REJECT', 'ACTIVE']],
    );
    const policy = await osJson('l7policy', 'show', 'pol1');
    assert.equal(policy.rules, ids.rule);

    const rules = await osJson<Json[]>('l7rule', 'list', 'pol1');
    assert.deepEqual(
      rules.map((r) => [r.id, r.type, r.compare_type, r.value, r.provisioning_status]),
      [[ids.rule, 'PATH', 'STARTS_WITH', '/admin', 'ACTIVE']],
    );

    const lb = await osJson('show', 'lb1');
    assertActive(lb, 'lb1 show');
    assert.equal(lb.listeners, ids.listener);
    assert.equal(lb.pools, ids.pool);
  });

  await t.test('set and unset the description', async () => {
    await os('set', '--description', 'd1', '--wait', 'lb1');
    const set = await osJson('show', 'lb1');
    assert.equal(set.description, 'd1');
    assertActive(set, 'lb1 after set');
    await os('unset', '--description', '--wait', 'lb1');
    const unset = await osJson('show', 'lb1');
    assert.ok(unset.description === null || unset.description === '', `description: ${String(unset.description)}`);
    assertActive(unset, 'lb1 after unset');
  });

  await t.test('status tree and stats', async () => {
    // `status show` prints JSON itself and takes no -f.
    const { stdout } = await os('status', 'show', 'lb1');
    const tree = (JSON.parse(stdout) as { loadbalancer: Json }).loadbalancer;
    assert.equal(tree.id, ids.lb);
    assertActive(tree, 'status tree lb');
    const listeners = tree.listeners as Json[];
    assert.equal(listeners.length, 1);
    assert.equal(listeners[0]!.id, ids.listener);
    const pools = listeners[0]!.pools as Json[];
    assert.equal(pools.length, 1);
    assert.equal(pools[0]!.id, ids.pool);
    assert.equal((pools[0]!.health_monitor as Json).id, ids.hm);
    assert.deepEqual((pools[0]!.members as Json[]).map((m) => m.id).sort(), [ids.m1, ids.m2].sort());

    const stats = await osJson('stats', 'show', 'lb1');
    assert.deepEqual(stats, {
      active_connections: 0,
      bytes_in: 0,
      bytes_out: 0,
      request_errors: 0,
      total_connections: 0,
    });
  });

  await t.test('member set --weight, then a batch member update through the API', async () => {
    await os('member', 'set', '--weight', '5', '--wait', 'p1', 'm1');
    const m1 = await osJson('member', 'show', 'p1', 'm1');
    assert.equal(m1.weight, 5);
    assertActive(m1, 'm1 after set');

    // python-octaviaclient has no batch member command (Octavia exposes it only through the API and the SDK).
    const response = await fetch(`${weir!.baseUrl}/v2/lbaas/pools/${ids.pool}/members`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        members: [
          { address: '127.0.0.11', protocol_port: 8080, name: 'm1', weight: 7 },
          { address: '127.0.0.13', protocol_port: 8080, name: 'm3' },
        ],
      }),
    });
    assert.equal(response.status, 202, await response.text());
    let members: Json[] = [];
    for (let i = 0; i < 20; i++) {
      members = await osJson<Json[]>('member', 'list', 'p1');
      if (members.length === 2 && members.every((m) => m.provisioning_status === 'ACTIVE')) break;
      await sleep(250);
    }
    assert.deepEqual(members.map((m) => [m.name, m.address, m.weight, m.provisioning_status]).sort(), [
      ['m1', '127.0.0.11', 7, 'ACTIVE'],
      ['m3', '127.0.0.13', 1, 'ACTIVE'],
    ]);
    assert.equal(members.find((m) => m.name === 'm1')!.id, ids.m1, 'm1 is updated in place, not re-created');
  });

  await t.test('providers, amphorae and quotas', async () => {
    const providers = await osJson<Json[]>('provider', 'list');
    const names = providers.map((p) => p.name);
    assert.deepEqual(
      names,
      ['proxy', 'amphora', 'octavia', 'noop', 'noop_driver', 'nat', 'dsr'],
      `providers: ${names.join(', ')}`,
    );

    const amphorae = await osJson<Json[]>('amphora', 'list');
    assert.ok(amphorae.length >= 1, 'one amphora per load balancer');
    assert.ok(amphorae.every((a) => a.loadbalancer_id === ids.lb));

    const quota = await osJson('quota', 'show', '00000000000000000000000000000000');
    const defaults = await osJson('quota', 'defaults', 'show');
    for (const key of ['load_balancer', 'listener', 'pool', 'health_monitor', 'member', 'l7policy', 'l7rule']) {
      assert.equal(typeof quota[key], 'number', `quota ${key}: ${JSON.stringify(quota)}`);
      assert.equal(typeof defaults[key], 'number', `default quota ${key}: ${JSON.stringify(defaults)}`);
    }
  });

  await t.test('delete --cascade removes everything', async () => {
    await os('delete', '--cascade', '--wait', 'lb1');
    assert.deepEqual(await osJson<Json[]>('list'), []);
    assert.deepEqual(await osJson<Json[]>('amphora', 'list'), []);
  });
});
