/**
 * weir's extensions to a load balancer's status, `GET /loadbalancers/{id}/health` and `.../reconcile`, in keystone
 * mode against a proxy load balancer whose members are real TCP servers on loopback (one listening, one not) and
 * whose listener cannot bind: what they tell, and that they are authorised exactly as the status tree is.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Harness, type Json, tokenOf } from './harness.ts';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const ROLES: Record<string, string[]> = {
  none: ['member', 'reader'],
  observer: ['load-balancer_observer', 'member', 'reader'],
  global_observer: ['load-balancer_global_observer', 'member', 'reader'],
  member: ['load-balancer_member', 'member', 'reader'],
  quota_admin: ['load-balancer_quota_admin', 'member', 'reader'],
  lb_admin: ['load-balancer_admin', 'member', 'reader'],
  admin: ['admin', 'member', 'reader'],
};
const EXTENSIONS = ['health', 'reconcile'] as const;

async function listen(host: string, port = 0): Promise<Server> {
  // The TCP monitor resets its probe connections: that is no error here.
  const server = createServer((socket) => socket.on('error', () => {}).end());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

const portOf = (server: Server) => (server.address() as { port: number }).port;
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('load balancer health and reconcile extensions (keystone)', () => {
  let h: Harness;
  let up: Server;
  let squatter: Server | undefined;
  let closedPort: number;
  const ids: Record<'A' | 'B', Json> = { A: {}, B: {} };

  /** A proxy load balancer of `project` with a pool of two members under a TCP monitor probing every second. */
  async function monitoredTree(project: string, memberPorts: [number, number]): Promise<Json> {
    const lb = await h.createLb({ provider: 'proxy', project_id: project });
    const pool = await h.createPool(lb.id, { protocol: 'TCP' });
    const members = [];
    for (const [index, port] of memberPorts.entries()) {
      members.push(
        await h.createMember(lb.id, pool.id, { name: `m${index}`, address: '127.0.0.1', protocol_port: port }),
      );
    }
    await h.createHm(lb.id, pool.id, { type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 });
    return { lb, pool, members };
  }

  async function waitFor(what: string, read: () => Promise<Json>, ok: (body: Json) => boolean): Promise<Json> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const body = await read();
      if (ok(body)) return body;
      if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(body)}`);
      await sleep(100);
    }
  }

  before(async () => {
    h = await Harness.start({ auth: 'keystone', yaml: 'tenancy:\n  allow_loopback_members: true\n' });
    up = await listen('127.0.0.1');
    const gone = await listen('127.0.0.1');
    closedPort = portOf(gone);
    await close(gone);
    ids.A = await monitoredTree(A, [portOf(up), closedPort]);
    ids.B = await monitoredTree(B, [portOf(up), closedPort]);
  });

  after(async () => {
    await h.close();
    await close(up);
    if (squatter) await close(squatter);
  });

  test("each member's health checks: result, reason, time and since when, with the transitions newest first", async () => {
    const headers = tokenOf(h, A, ROLES.member!);
    const [alive, dead] = ids.A.members as Json[];
    const health = await waitFor(
      'both members checked',
      async () => (await h.req('GET', `loadbalancers/${ids.A.lb.id}/health`, undefined, { headers })).body.health,
      (body) => body.members.every((m: Json) => m.health !== 'UNKNOWN') && body.transitions.length === 2,
    );
    const byId = new Map((health.members as Json[]).map((m) => [m.id, m]));
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    const good = byId.get(alive!.id)!;
    assert.equal(good.monitored, true);
    assert.equal(good.health, 'UP');
    assert.equal(good.last_check_ok, true);
    assert.equal(good.pool_id, ids.A.pool.id);
    assert.deepEqual([good.address, good.protocol_port, good.name], ['127.0.0.1', portOf(up), 'm0']);
    assert.match(good.last_check_at, iso);
    assert.match(good.status_since, iso);
    assert.ok(good.status_since <= good.last_check_at);
    assert.ok(good.consecutive_successes >= 1);
    const bad = byId.get(dead!.id)!;
    assert.equal(bad.health, 'DOWN');
    assert.equal(bad.last_check_ok, false);
    assert.match(bad.last_check_reason, /refused|ECONNREFUSED/i);
    assert.ok(bad.consecutive_failures >= 1);

    for (const transition of health.transitions as Json[]) {
      assert.equal(transition.from, 'UNKNOWN');
      assert.match(transition.at, iso);
    }
    assert.deepEqual((health.transitions as Json[]).map((t) => [t.member_name, t.to]).sort(), [
      ['m0', 'UP'],
      ['m1', 'DOWN'],
    ]);
    assert.ok(health.transitions[0].at >= health.transitions[1].at, 'newest first');
    // The member's stored status follows its checks.
    await waitFor(
      'operating status written',
      async () => (await h.req('GET', `loadbalancers/${ids.A.lb.id}/health`, undefined, { headers })).body.health,
      (body) => body.members.find((m: Json) => m.id === dead!.id)?.operating_status === 'ERROR',
    );
  });

  test("a listener the data plane cannot start is in ERROR with the data plane's reason", async () => {
    const headers = tokenOf(h, A, ROLES.member!);
    const lbId = ids.A.lb.id as string;
    const before = (await h.req('GET', `loadbalancers/${lbId}/reconcile`, undefined, { headers })).body.reconcile;
    assert.deepEqual([before.result === 'failed', before.reason, before.errors], [false, null, []]);
    squatter = await listen(ids.A.lb.vip_address as string);
    const port = portOf(squatter);
    const created = await h.post('listeners', {
      listener: { loadbalancer_id: lbId, name: 'taken', protocol: 'TCP', protocol_port: port },
    });
    assert.equal(created.status, 201, created.text);
    const listenerId = created.body.listener.id as string;
    const report = await waitFor(
      'the failed run reported',
      async () => (await h.req('GET', `loadbalancers/${lbId}/reconcile`, undefined, { headers })).body.reconcile,
      (body) => body.errors.length > 0,
    );
    assert.equal(report.result, 'failed');
    assert.match(report.last_run_at, /Z$/);
    assert.match(report.reason, new RegExp(`listener ${listenerId} cannot listen on port ${port}.*EADDRINUSE`));
    const listenerError = (report.errors as Json[]).find((e) => e.id === listenerId);
    assert.deepEqual(
      { ...listenerError, at: undefined },
      {
        kind: 'listener',
        id: listenerId,
        name: 'taken',
        provisioning_status: 'ERROR',
        at: undefined,
        reason: report.reason,
      },
    );
    assert.deepEqual(
      (report.errors as Json[]).map((e) => e.kind).sort(),
      ['listener', 'loadbalancer'],
      'the objects that were pending when the run failed',
    );
    // Project B's load balancer knows nothing of it.
    const other = await h.req('GET', `loadbalancers/${ids.B.lb.id}/reconcile`, undefined, {
      headers: tokenOf(h, B, ROLES.member!),
    });
    assert.deepEqual(other.body.reconcile.errors, []);
    assert.ok(!other.text.includes(listenerId) && !other.text.includes(lbId));
  });

  test('a second project sees nothing of the first: 403 on its load balancer, only its own members and transitions', async () => {
    const headersB = tokenOf(h, B, ROLES.member!);
    for (const name of EXTENSIONS) {
      const foreign = await h.req('GET', `loadbalancers/${ids.A.lb.id}/${name}`, undefined, { headers: headersB });
      assert.equal(foreign.status, 403, name);
      assert.deepEqual(Object.keys(foreign.body).sort(), ['debuginfo', 'faultcode', 'faultstring']);
    }
    const own = await waitFor(
      "B's members checked",
      async () =>
        (await h.req('GET', `loadbalancers/${ids.B.lb.id}/health`, undefined, { headers: headersB })).body.health,
      (body) => body.transitions.length === 2,
    );
    const idsOfB = new Set((ids.B.members as Json[]).map((m) => m.id));
    assert.ok((own.members as Json[]).every((m) => idsOfB.has(m.id)));
    assert.ok((own.transitions as Json[]).every((t) => idsOfB.has(t.member_id)));
  });

  test('no token, or a token Keystone does not know, gets 401', async () => {
    for (const name of EXTENSIONS) {
      for (const token of ['', 'not-a-token']) {
        const reply = await h.req('GET', `loadbalancers/${ids.A.lb.id}/${name}`, undefined, {
          headers: { 'x-auth-token': token },
        });
        assert.equal(reply.status, 401, `${name} with token "${token}"`);
        assert.equal(reply.text.includes('health'), false);
      }
    }
  });

  test('the dashboard page itself loads without a token: it holds no data', async () => {
    const reply = await h.req('GET', '/dashboard', undefined, { headers: { 'x-auth-token': '' } });
    assert.equal(reply.status, 200);
    assert.match(reply.text, /<title>weir dashboard<\/title>/);
  });

  test('every role on its own and a foreign project gets what it gets for the status tree', async () => {
    const cells: string[] = [];
    for (const [role, roles] of Object.entries(ROLES)) {
      const headers = tokenOf(h, A, roles);
      for (const [scope, tree] of [
        ['own', ids.A],
        ['foreign', ids.B],
      ] as const) {
        const path = (name: string) => `loadbalancers/${tree.lb.id}/${name}`;
        const expected = (await h.req('GET', path('status'), undefined, { headers })).status;
        for (const name of EXTENSIONS) {
          const reply = await h.req('GET', path(name), undefined, { headers });
          assert.equal(reply.status, expected, `${role} ${scope} ${name}: ${reply.text}`);
          cells.push(`${role} ${scope} ${expected}`);
        }
      }
    }
    // The roles really differ: owners and readers of everything get 200, a plain member and foreign callers 403.
    assert.ok(cells.includes('member own 200') && cells.includes('none own 403'));
    assert.ok(cells.includes('member foreign 403') && cells.includes('global_observer foreign 200'));
  });

  test('an unknown load balancer is 404, as for the status tree', async () => {
    const reply = await h.req('GET', 'loadbalancers/99999999-2222-3333-4444-555555555555/health');
    assert.equal(reply.status, 404);
    assert.match(reply.body.faultstring, /Load Balancer .* not found/);
  });
});

describe('load balancer health and reconcile extensions (noauth)', () => {
  test('answer without a token, before any health check, with nothing to report', async () => {
    const h = await Harness.start();
    try {
      const { lb } = await h.createTree();
      const health = await h.get(`loadbalancers/${lb.id}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(health.body, { health: { members: [], transitions: [] } });
      const reconcile = await h.get(`loadbalancers/${lb.id}/reconcile`);
      assert.equal(reconcile.status, 200);
      assert.equal(reconcile.body.reconcile.reason, null);
      assert.deepEqual(reconcile.body.reconcile.errors, []);
      assert.ok(['applied', 'unchanged'].includes(reconcile.body.reconcile.result));
    } finally {
      await h.close();
    }
  });
});
