/**
 * GET /metrics of a running weir, read with a strict parser: API requests by route pattern, reconciliations by
 * driver, health checks by monitor type, desired and applied revisions against the store's own, and no tenant data.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { acceptingTcpServer, type Listening, listen } from '../../../src/health/testing/test-servers.ts';
import { freePort } from '../../e2e/support/weir-process.ts';
import { parsePrometheusText, sampleValue } from '../../support/prometheus-text.ts';
import { waitFor } from '../proxy/support/line-servers.ts';
import { Harness, type Json, UNKNOWN_ID } from './harness.ts';

let h: Harness;
let upMember: Listening;

before(async () => {
  h = await Harness.start();
  upMember = await listen(acceptingTcpServer());
});
after(async () => {
  await h.close();
  await upMember.close();
});

async function scrape(harness: Harness) {
  const response = await fetch(`${harness.base}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  return { text, families: parsePrometheusText(text) };
}

/** The store's revision, read from its database file as another reader would. */
function storeRevision(dir: string): number {
  const db = new SQLite(join(dir, 'weir.sqlite'), { readonly: true });
  try {
    return Number((db.prepare('SELECT revision FROM revision').get() as { revision: number }).revision);
  } finally {
    db.close();
  }
}

test('requests, reconciliations, health checks and revisions show in /metrics, and no tenant data does', async () => {
  const baseline = (await scrape(h)).families;
  const count = (families: typeof baseline, name: string, labels: Record<string, string>) =>
    sampleValue(families, `${name}_count`, labels) ?? 0;
  const moved = (now: typeof baseline, name: string, labels: Record<string, string>) =>
    count(now, name, labels) - count(baseline, name, labels);

  assert.equal((await h.get('loadbalancers')).status, 200);
  assert.equal((await h.get('loadbalancers')).status, 200);
  assert.equal((await h.get(`loadbalancers/${UNKNOWN_ID}`)).status, 404);
  assert.equal((await h.get(`/v2/lbaas/nothing/${UNKNOWN_ID}`)).status, 404);

  // A load balancer of the noop provider: one run applies it, the one its ACTIVE write queues finds nothing to do.
  const name = 'metrics-tenant-name';
  const noop = await h.createLb({ name });
  // Of the proxy provider, which asks weir to check its members: a TCP monitor on a member that listens and on one
  // whose port nothing listens on.
  const checked = await h.createLb({ name, provider: 'proxy' });
  const pool = await h.createPool(checked.id, { protocol: 'TCP', name });
  const up = await h.createMember(checked.id, pool.id, {
    name,
    address: '127.0.0.1',
    protocol_port: upMember.port,
  });
  const down = await h.createMember(checked.id, pool.id, {
    name,
    address: '127.0.0.1',
    protocol_port: await freePort(),
  });
  const monitor = await h.createHm(checked.id, pool.id, {
    name,
    type: 'TCP',
    delay: 1,
    timeout: 1,
    max_retries: 1,
    max_retries_down: 1,
  });
  await waitFor('both members judged', 10_000, async () => {
    const members = (await h.get(`pools/${pool.id}/members`)).body.members as Json[];
    const statuses = new Map(members.map((member) => [member.id, member.operating_status]));
    return statuses.get(up.id) === 'ONLINE' && statuses.get(down.id) === 'ERROR';
  });
  await h.idle();
  const { text, families } = await scrape(h);

  const requests = 'weir_api_request_duration_seconds';
  assert.equal(moved(families, requests, { method: 'GET', route: '/v2/lbaas/loadbalancers', code: '200' }), 2);
  const byId = '/v2/lbaas/loadbalancers/:id';
  assert.equal(moved(families, requests, { method: 'GET', route: byId, code: '404' }), 1);
  assert.equal(moved(families, requests, { method: 'GET', route: 'unmatched', code: '404' }), 1);
  assert.equal(moved(families, requests, { method: 'POST', route: '/v2/lbaas/loadbalancers', code: '201' }), 2);
  assert.equal(moved(families, requests, { method: 'POST', route: '/v2/lbaas/healthmonitors', code: '201' }), 1);
  const members = '/v2/lbaas/pools/:poolId/members';
  assert.equal(moved(families, requests, { method: 'POST', route: members, code: '201' }), 2);
  assert.equal(moved(families, requests, { method: 'GET', route: '/metrics', code: '200' }), 1);
  assert.ok(moved(families, requests, { method: 'GET', route: byId, code: '200' }) >= 2, 'the waits for ACTIVE');

  const reconciles = 'weir_reconcile_duration_seconds';
  assert.equal(moved(families, reconciles, { driver: 'noop', result: 'applied' }), 1);
  // The proxy load balancer was applied on create and on each of its four children.
  assert.equal(moved(families, reconciles, { driver: 'proxy', result: 'applied' }), 5);
  assert.ok(moved(families, reconciles, { driver: 'noop', result: 'unchanged' }) >= 1);
  assert.equal(sampleValue(families, 'weir_reconcile_errors_total', { driver: 'noop' }), 0);
  assert.equal(sampleValue(families, 'weir_reconcile_errors_total', { driver: 'proxy' }), 0);
  assert.equal(sampleValue(families, 'weir_reconcile_errors_total', { driver: 'none' }), 0);

  const checks = 'weir_health_check_duration_seconds';
  assert.ok(moved(families, checks, { type: 'TCP', result: 'success' }) >= 1);
  assert.ok(moved(families, checks, { type: 'TCP', result: 'failure' }) >= 1);
  const checkLabels = families.get(checks)!.samples.map(({ labels: { le, ...rest } }) => JSON.stringify(rest));
  assert.deepEqual(
    [...new Set(checkLabels)].sort(),
    [
      { type: 'TCP', result: 'failure' },
      { type: 'TCP', result: 'success' },
    ].map((labels) => JSON.stringify(labels)),
  );

  // Every change the API made is applied: the revisions meet at the store's own.
  const desired = sampleValue(families, 'weir_desired_revision')!;
  // Six API writes, each followed by the reconciler's ACTIVE, and the members' operating statuses.
  assert.ok(desired >= sampleValue(baseline, 'weir_desired_revision')! + 12, `desired revision ${desired}`);
  assert.equal(sampleValue(families, 'weir_applied_revision'), desired);
  assert.equal(desired, storeRevision(h.dir));

  assert.equal(families.get('process_cpu_seconds_total')?.type, 'counter');
  assert.equal(families.get('nodejs_heap_size_used_bytes')?.type, 'gauge');

  const tenantData = [noop, checked, pool, up, down, monitor].flatMap((o) => [o.id, o.project_id, o.vip_address]);
  for (const value of [...tenantData, UNKNOWN_ID, name].filter((v): v is string => typeof v === 'string')) {
    assert.ok(!text.includes(value), `/metrics shows ${value}`);
  }
});

test('with keystone, /metrics needs no token while the Octavia API still does', async () => {
  const keystone = await Harness.start({ auth: 'keystone' });
  try {
    const denied = await fetch(`${keystone.base}/v2/lbaas/loadbalancers`);
    assert.equal(denied.status, 401);
    const { families } = await scrape(keystone);
    const route = { method: 'GET', route: '/v2/lbaas/loadbalancers', code: '401' };
    assert.equal(sampleValue(families, 'weir_api_request_duration_seconds_count', route), 1);
  } finally {
    await keystone.close();
  }
});

test('server.metrics: false serves no /metrics', async () => {
  const quiet = await Harness.start({ yaml: 'server:\n  metrics: false\n' });
  try {
    assert.equal((await quiet.get('/metrics')).status, 404);
  } finally {
    await quiet.close();
  }
});
