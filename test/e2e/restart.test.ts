// End to end: weir keeps every object across a crash (SIGKILL) and a clean stop (SIGTERM), and the reconciler
// brings what was pending back to ACTIVE when it starts again.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  makeDataDir,
  NOOP_DEFAULT_PROVIDER,
  removeDataDir,
  sleep,
  WeirProcess,
  writeConfig,
} from './support/weir-process.ts';

type Json = Record<string, unknown>;

const PROJECT = 'e2e-restart-project';

const running = new Set<WeirProcess>();
const dataDirs: string[] = [];

after(async () => {
  for (const weir of running) await weir.kill('SIGKILL');
  for (const dir of dataDirs) removeDataDir(dir);
});

/** Starts weir on `dataDir` with the noop provider as default: these tests are about the store, not traffic. */
async function start(dataDir: string): Promise<WeirProcess> {
  const weir = await WeirProcess.start(dataDir, { configFile: writeConfig(dataDir, NOOP_DEFAULT_PROVIDER) });
  running.add(weir);
  return weir;
}

async function stop(weir: WeirProcess, signal: NodeJS.Signals): Promise<void> {
  await weir.kill(signal);
  running.delete(weir);
}

async function api(weir: WeirProcess, method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${weir.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path} -> ${response.status}: ${text}\n--- weir ---\n${weir.output.slice(-2000)}`);
  return text === '' ? {} : (JSON.parse(text) as Json);
}

async function get(weir: WeirProcess, path: string, key: string): Promise<Json> {
  return (await api(weir, 'GET', path))[key] as Json;
}

/** Polls the load balancer until it is ACTIVE (at most ~10 s). */
async function waitLbActive(weir: WeirProcess, lbId: string): Promise<Json> {
  let lb: Json = {};
  for (let i = 0; i < 100; i++) {
    lb = await get(weir, `/v2/lbaas/loadbalancers/${lbId}`, 'loadbalancer');
    if (lb.provisioning_status === 'ACTIVE') return lb;
    assert.notEqual(lb.provisioning_status, 'ERROR', JSON.stringify(lb));
    await sleep(100);
  }
  assert.fail(`load balancer ${lbId} not ACTIVE: ${JSON.stringify(lb)}`);
}

/** Where each object lives in the API: path and the key of its GET body. */
type Paths = Record<string, { path: string; key: string }>;

interface Hooks {
  /** Runs right before the LAST write (the l7 rule), with the paths of everything created so far. */
  beforeLastWrite?: (paths: Paths) => Promise<void>;
  /** Runs right after the response to the LAST write, with that response. */
  afterLastWrite?: (rule: Json) => Promise<void>;
}

/** Builds the whole tree; the LAST write is the l7 rule. */
async function buildTree(weir: WeirProcess, hooks: Hooks = {}): Promise<Paths> {
  const subnets = (await api(weir, 'GET', '/v2.0/subnets?name=local')).subnets as Json[];
  assert.equal(subnets.length, 1);
  const subnetId = String(subnets[0]!.id);

  const profile = (
    await api(weir, 'POST', '/v2/lbaas/flavorprofiles', {
      flavorprofile: { name: 'fp1', provider_name: 'noop', flavor_data: '{}' },
    })
  ).flavorprofile as Json;
  const flavor = (
    await api(weir, 'POST', '/v2/lbaas/flavors', {
      flavor: { name: 'f1', description: 'small', flavor_profile_id: profile.id },
    })
  ).flavor as Json;
  await api(weir, 'PUT', `/v2/lbaas/quotas/${PROJECT}`, { quota: { load_balancer: 5, member: 50 } });

  const lb = (
    await api(weir, 'POST', '/v2/lbaas/loadbalancers', {
      loadbalancer: { name: 'lb1', description: 'restart me', vip_subnet_id: subnetId, flavor_id: flavor.id },
    })
  ).loadbalancer as Json;
  const lbId = String(lb.id);
  await waitLbActive(weir, lbId);
  const listener = (
    await api(weir, 'POST', '/v2/lbaas/listeners', {
      listener: { name: 'l1', loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 80 },
    })
  ).listener as Json;
  await waitLbActive(weir, lbId);
  const pool = (
    await api(weir, 'POST', '/v2/lbaas/pools', {
      pool: { name: 'p1', listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
    })
  ).pool as Json;
  await waitLbActive(weir, lbId);
  const members: Json[] = [];
  for (const [name, address, weight] of [
    ['m1', '127.0.0.11', 1],
    ['m2', '127.0.0.12', 3],
  ] as const) {
    members.push(
      (
        await api(weir, 'POST', `/v2/lbaas/pools/${pool.id}/members`, {
          member: { name, address, protocol_port: 8080, weight },
        })
      ).member as Json,
    );
    await waitLbActive(weir, lbId);
  }
  const hm = (
    await api(weir, 'POST', '/v2/lbaas/healthmonitors', {
      healthmonitor: { name: 'hm1', pool_id: pool.id, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 },
    })
  ).healthmonitor as Json;
  await waitLbActive(weir, lbId);
  const policy = (
    await api(weir, 'POST', '/v2/lbaas/l7policies', {
      l7policy: { name: 'pol1', listener_id: listener.id, action: 'REJECT' },
    })
  ).l7policy as Json;
  await waitLbActive(weir, lbId);
  const paths: Paths = {
    flavorprofile: { path: `/v2/lbaas/flavorprofiles/${profile.id}`, key: 'flavorprofile' },
    flavor: { path: `/v2/lbaas/flavors/${flavor.id}`, key: 'flavor' },
    quota: { path: `/v2/lbaas/quotas/${PROJECT}`, key: 'quota' },
    loadbalancer: { path: `/v2/lbaas/loadbalancers/${lbId}`, key: 'loadbalancer' },
    listener: { path: `/v2/lbaas/listeners/${listener.id}`, key: 'listener' },
    pool: { path: `/v2/lbaas/pools/${pool.id}`, key: 'pool' },
    m1: { path: `/v2/lbaas/pools/${pool.id}/members/${members[0]!.id}`, key: 'member' },
    m2: { path: `/v2/lbaas/pools/${pool.id}/members/${members[1]!.id}`, key: 'member' },
    healthmonitor: { path: `/v2/lbaas/healthmonitors/${hm.id}`, key: 'healthmonitor' },
    l7policy: { path: `/v2/lbaas/l7policies/${policy.id}`, key: 'l7policy' },
  };
  await hooks.beforeLastWrite?.(paths);
  const rule = (
    await api(weir, 'POST', `/v2/lbaas/l7policies/${policy.id}/rules`, {
      rule: { type: 'PATH', compare_type: 'STARTS_WITH', value: '/admin' },
    })
  ).rule as Json;
  await hooks.afterLastWrite?.(rule);
  return { ...paths, l7rule: { path: `/v2/lbaas/l7policies/${policy.id}/rules/${rule.id}`, key: 'rule' } };
}

async function snapshot(weir: WeirProcess, paths: Paths): Promise<Record<string, Json>> {
  const objects: Record<string, Json> = {};
  for (const [name, { path, key }] of Object.entries(paths)) objects[name] = await get(weir, path, key);
  return objects;
}

/** Every object with a provisioning status is ACTIVE (polled for a few seconds: the reconciler runs on start). */
async function waitAllActive(weir: WeirProcess, paths: Paths): Promise<Record<string, Json>> {
  let objects: Record<string, Json> = {};
  for (let i = 0; i < 100; i++) {
    objects = await snapshot(weir, paths);
    const pending = Object.values(objects).filter(
      (o) => 'provisioning_status' in o && o.provisioning_status !== 'ACTIVE',
    );
    if (pending.length === 0) return objects;
    await sleep(100);
  }
  assert.fail(`not everything ACTIVE after restart: ${JSON.stringify(objects, null, 2)}`);
}

function without(object: Json, keys: string[]): Json {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

test('SIGKILL after everything is ACTIVE: a restart keeps every object unchanged', { timeout: 120_000 }, async () => {
  const dataDir = makeDataDir();
  dataDirs.push(dataDir);
  const first = await start(dataDir);
  const paths = await buildTree(first);
  const before = await waitAllActive(first, paths);
  await stop(first, 'SIGKILL');

  const second = await start(dataDir);
  const afterRestart = await waitAllActive(second, paths);
  for (const name of Object.keys(paths)) {
    // operating_status is observed, not stored: the health checker may have moved it either side of the restart.
    assert.deepEqual(
      without(afterRestart[name]!, ['operating_status']),
      without(before[name]!, ['operating_status']),
      `${name} changed across the restart`,
    );
  }
  await stop(second, 'SIGTERM');
});

test('SIGKILL right after the last write: a restart keeps the objects and makes them ACTIVE', {
  timeout: 120_000,
}, async () => {
  const dataDir = makeDataDir();
  dataDirs.push(dataDir);
  const first = await start(dataDir);
  let before: Record<string, Json> = {};
  let ruleAnswer: Json = {};
  const paths = await buildTree(first, {
    beforeLastWrite: async (created) => {
      before = await waitAllActive(first, created);
    },
    afterLastWrite: async (rule) => {
      first.child.kill('SIGKILL');
      ruleAnswer = rule;
    },
  });
  const exit = await first.waitExit(10_000);
  running.delete(first);
  assert.equal(exit?.signal, 'SIGKILL', `exit after SIGKILL: ${JSON.stringify(exit)}`);
  assert.equal(ruleAnswer.provisioning_status, 'PENDING_CREATE', JSON.stringify(ruleAnswer));

  const second = await start(dataDir);
  const afterRestart = await waitAllActive(second, paths);

  // The objects the last write touched (the rule, and the policy, listener and load balancer above it, which went
  // PENDING_UPDATE) may have a new updated_at; the rule went from PENDING_CREATE to ACTIVE.
  const touched = ['loadbalancer', 'listener', 'l7policy', 'l7rule'];
  const volatile = ['updated_at', 'provisioning_status', 'operating_status'];
  for (const [name, object] of Object.entries(before)) {
    const ignore = touched.includes(name) ? volatile : ['operating_status'];
    const expected = without(object, name === 'l7policy' ? [...ignore, 'rules'] : ignore);
    const actual = without(afterRestart[name]!, name === 'l7policy' ? [...ignore, 'rules'] : ignore);
    assert.deepEqual(actual, expected, `${name} changed across the crash`);
  }
  assert.deepEqual(
    without(afterRestart.l7rule!, volatile),
    without(ruleAnswer, volatile),
    'the rule is what the API answered to its create',
  );
  assert.deepEqual(
    (afterRestart.l7policy!.rules as Json[]).map((r) => r.id),
    [ruleAnswer.id],
  );
  assert.match(String(afterRestart.loadbalancer!.vip_address), /^127\.0\.100\.\d+$/);

  // A second restart (clean this time) changes nothing at all.
  await stop(second, 'SIGTERM');
  const third = await start(dataDir);
  const again = await waitAllActive(third, paths);
  for (const name of Object.keys(paths)) {
    assert.deepEqual(
      without(again[name]!, ['operating_status']),
      without(afterRestart[name]!, ['operating_status']),
      `${name} changed across the second restart`,
    );
  }
  await stop(third, 'SIGTERM');
});

test('SIGTERM stops weir cleanly: exit code 0 within a few seconds', { timeout: 60_000 }, async () => {
  const dataDir = makeDataDir();
  dataDirs.push(dataDir);
  const weir = await start(dataDir);
  const lb = (
    await api(weir, 'POST', '/v2/lbaas/loadbalancers', {
      loadbalancer: { name: 'lb-term', vip_subnet_id: await localSubnet(weir) },
    })
  ).loadbalancer as Json;
  await waitLbActive(weir, String(lb.id));

  const startedAt = Date.now();
  weir.child.kill('SIGTERM');
  const exit = await weir.waitExit(5_000);
  running.delete(weir);
  assert.deepEqual(exit, { code: 0, signal: null }, `exit after SIGTERM: ${JSON.stringify(exit)}\n${weir.output}`);
  assert.ok(Date.now() - startedAt < 5_000);
  assert.match(weir.output, /SIGTERM: shutting down/);

  const again = await start(dataDir);
  const kept = await waitLbActive(again, String(lb.id));
  assert.equal(kept.name, 'lb-term');
  await stop(again, 'SIGTERM');
});

async function localSubnet(weir: WeirProcess): Promise<string> {
  const subnets = (await api(weir, 'GET', '/v2.0/subnets?name=local')).subnets as Json[];
  return String(subnets[0]!.id);
}
