import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '../../src/config/load-config.ts';
import { type DataPlaneDriver, DEFAULT_DRIVER_SETTINGS, type DriverFactory } from '../../src/dataplanes/driver.ts';
import { noopDriver } from '../../src/dataplanes/noop/noop-driver.ts';
import { WeirServer } from '../../src/server/weir-server.ts';

/**
 * A data plane that asks weir to check its members, and records what it is told once it follows, a moment later as a
 * kernel table written after the change would: a member's status must not show before that.
 */
const healthSeen = new Map<string, boolean>();
const checkedDriver: DriverFactory = {
  name: 'checked',
  aliases: [],
  description: 'test data plane whose members weir health-checks',
  create: () => {
    const inner = noopDriver.create(DEFAULT_DRIVER_SETTINGS);
    const driver: DataPlaneDriver = {
      name: 'checked',
      description: 'test',
      capabilities: { ...inner.capabilities, healthChecks: 'weir' },
      apply: (spec, signal) => inner.apply(spec, signal),
      remove: (id, signal) => inner.remove(id, signal),
      setMemberHealth: async (_lb, member, up) => {
        await sleep(200);
        healthSeen.set(member, up);
      },
      listenerStats: async () => new Map(),
      close: () => inner.close(),
    };
    return driver;
  },
};

let server: WeirServer;
let dir: string;
let upServer: Server;
let upPort: number;
let closedPort: number;

async function listen(): Promise<Server> {
  const s = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.address}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-health-'));
  upServer = await listen();
  upPort = (upServer.address() as { port: number }).port;
  const closed = await listen();
  closedPort = (closed.address() as { port: number }).port;
  await new Promise((resolve) => closed.close(resolve));
  const config = parseConfig(`tenancy: {unix_socket_directories: [${dir}]}`, 'test.yaml', {
    listen: '127.0.0.1:0',
    dataDir: dir,
  });
  const log = { info: () => {}, error: () => {} };
  server = await WeirServer.start(config, log, { drivers: [noopDriver, checkedDriver] });
});

after(async () => {
  await server.close();
  upServer.close();
  await rm(dir, { recursive: true, force: true });
});

test('members are health-checked for a provider that asks for it, and statuses roll up', async () => {
  const subnet = (await api('GET', '/v2.0/subnets?name=local')).body.subnets[0].id;
  const lb = (
    await api('POST', '/v2/lbaas/loadbalancers', { loadbalancer: { vip_subnet_id: subnet, provider: 'checked' } })
  ).body.loadbalancer;
  const active = () => server.reconciler.idle();
  await active();
  const listener = (
    await api('POST', '/v2/lbaas/listeners', {
      listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 8000 },
    })
  ).body.listener;
  await active();
  const pool = (
    await api('POST', '/v2/lbaas/pools', {
      pool: { listener_id: listener.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' },
    })
  ).body.pool;
  await active();
  const up = (
    await api('POST', `/v2/lbaas/pools/${pool.id}/members`, { member: { address: '127.0.0.1', protocol_port: upPort } })
  ).body.member;
  await active();
  const down = (
    await api('POST', `/v2/lbaas/pools/${pool.id}/members`, {
      member: { address: '127.0.0.1', protocol_port: closedPort },
    })
  ).body.member;
  await active();
  const created = await api('POST', '/v2/lbaas/healthmonitors', {
    healthmonitor: { pool_id: pool.id, type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 },
  });
  assert.equal(created.status, 201);

  const member = (id: string) => async () =>
    (await api('GET', `/v2/lbaas/pools/${pool.id}/members/${id}`)).body.member.operating_status;
  await waitFor('reachable member', member(up.id), (s) => s === 'ONLINE');
  await waitFor('unreachable member', member(down.id), (s) => s === 'ERROR');
  assert.equal(healthSeen.get(down.id), false);
  assert.equal((await api('GET', `/v2/lbaas/pools/${pool.id}`)).body.pool.operating_status, 'DEGRADED');
  assert.equal((await api('GET', `/v2/lbaas/loadbalancers/${lb.id}`)).body.loadbalancer.operating_status, 'DEGRADED');

  // The last member stops: down within delay x max_retries_down + timeout, with a generous margin.
  await new Promise((resolve) => upServer.close(resolve));
  const stoppedAt = Date.now();
  await waitFor('stopped member', member(up.id), (s) => s === 'ERROR', 6_000);
  assert.ok(Date.now() - stoppedAt < 6_000);
  assert.equal(healthSeen.get(up.id), false);
  assert.equal((await api('GET', `/v2/lbaas/pools/${pool.id}`)).body.pool.operating_status, 'ERROR');
});

test('Unix socket members are health-checked on their socket', async () => {
  const socketServer = createServer((socket) => socket.destroy());
  const socketPath = join(dir, 'member.sock');
  await new Promise<void>((resolve) => socketServer.listen(socketPath, resolve));
  try {
    const subnet = (await api('GET', '/v2.0/subnets?name=local')).body.subnets[0].id;
    const lb = (
      await api('POST', '/v2/lbaas/loadbalancers', { loadbalancer: { vip_subnet_id: subnet, provider: 'checked' } })
    ).body.loadbalancer;
    await server.reconciler.idle();
    const pool = (
      await api('POST', '/v2/lbaas/pools', {
        pool: { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' },
      })
    ).body.pool;
    await server.reconciler.idle();
    const create = async (path: string) => {
      const reply = await api('POST', `/v2/lbaas/pools/${pool.id}/members`, {
        member: { address: `unix:${path}`, protocol_port: 1 },
      });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      await server.reconciler.idle();
      return reply.body.member;
    };
    const listening = await create(socketPath);
    const missing = await create(join(dir, 'missing.sock'));
    const created = await api('POST', '/v2/lbaas/healthmonitors', {
      healthmonitor: { pool_id: pool.id, type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 },
    });
    assert.equal(created.status, 201);
    const member = (id: string) => async () =>
      (await api('GET', `/v2/lbaas/pools/${pool.id}/members/${id}`)).body.member.operating_status;
    await waitFor('listening socket member', member(listening.id), (s) => s === 'ONLINE');
    await waitFor('missing socket member', member(missing.id), (s) => s === 'ERROR');
  } finally {
    await new Promise((resolve) => socketServer.close(resolve));
  }
});
