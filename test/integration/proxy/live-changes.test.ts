/**
 * Changes drop nothing: a steady HTTP load of 500 requests/s runs for 30 s while twenty listener, pool, member and
 * monitor changes are made through the API, spread over that time, and every request of it must succeed.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Harness, type Json } from '../api/harness.ts';

const LOAD_SECONDS = 30;
const RATE_PER_CLIENT = 50;
const CHANGE_EVERY_MS = (LOAD_SECONDS * 1000) / 21;

let h: Harness;
const servers: Server[] = [];

async function member(address: string): Promise<{ address: string; port: number }> {
  const server = createServer((_req, res) => {
    // A little work per request, so requests are in flight while changes land.
    setTimeout(() => res.end(address), 2);
  });
  server.listen(0, address);
  await once(server, 'listening');
  servers.push(server);
  return { address, port: (server.address() as { port: number }).port };
}

before(async () => {
  h = await Harness.start();
});
after(async () => {
  await h.close();
  for (const server of servers) server.close();
});

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(5_000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

test('twenty live changes under steady load fail no request', async (t) => {
  const [a, b, c, d] = await Promise.all(['127.0.0.61', '127.0.0.62', '127.0.0.63', '127.0.0.64'].map(member));
  const lb = await h.createLb({ provider: 'proxy' });
  const listener = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 8100 });
  const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
  const ma = await h.createMember(lb.id, pool.id, { address: a!.address, protocol_port: a!.port });
  await h.createMember(lb.id, pool.id, { address: b!.address, protocol_port: b!.port });
  const url = `http://${lb.vip_address}:8100/`;

  let running = true;
  const statuses = new Map<number, number>();
  const loadStarted = Date.now();
  // 10 keep-alive clients, each paced to 50 requests/s: 500 requests/s in all.
  const workers = Array.from({ length: 10 }, async (_, worker) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; running && i < RATE_PER_CLIENT * (LOAD_SECONDS + 30); i++) {
      const due = loadStarted + worker * 2 + (i * 1000) / RATE_PER_CLIENT;
      if (due > Date.now()) await sleep(due - Date.now());
      const status = await get(url, agent);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    agent.destroy();
  });

  const change = async (method: 'POST' | 'PUT' | 'DELETE', path: string, body?: Json): Promise<Json> => {
    // The twenty changes are spread evenly over the load.
    await sleep(CHANGE_EVERY_MS);
    const reply = await h.req(method, path, body);
    assert.ok(reply.status < 300, `${method} ${path}: ${reply.status} ${reply.text}`);
    await h.waitActive(lb.id);
    return reply.body;
  };
  const memberPath = `pools/${pool.id}/members`;
  const mc = (await change('POST', memberPath, { member: { address: c!.address, protocol_port: c!.port } })).member;
  await change('PUT', `${memberPath}/${mc.id}`, { member: { weight: 5 } });
  await change('PUT', `listeners/${listener.id}`, { listener: { connection_limit: 1000 } });
  const hm = (
    await change('POST', 'healthmonitors', {
      healthmonitor: { pool_id: pool.id, type: 'HTTP', delay: 1, timeout: 1, max_retries: 2 },
    })
  ).healthmonitor;
  await change('PUT', `pools/${pool.id}`, { pool: { lb_algorithm: 'LEAST_CONNECTIONS' } });
  const md = (await change('POST', memberPath, { member: { address: d!.address, protocol_port: d!.port } })).member;
  await change('PUT', `${memberPath}/${ma.id}`, { member: { weight: 0 } });
  await change('DELETE', `${memberPath}/${ma.id}`);
  await change('PUT', `listeners/${listener.id}`, { listener: { name: 'renamed', timeout_member_data: 30000 } });
  await change('PUT', `healthmonitors/${hm.id}`, { healthmonitor: { delay: 2 } });
  await change('PUT', `pools/${pool.id}`, { pool: { lb_algorithm: 'SOURCE_IP_PORT' } });
  await change('PUT', `${memberPath}/${md.id}`, { member: { weight: 50 } });
  await change('PUT', `${memberPath}/${mc.id}`, { member: { name: 'c' } });
  await change('PUT', `loadbalancers/${lb.id}`, { loadbalancer: { name: 'still-serving' } });
  await change('PUT', `pools/${pool.id}`, { pool: { lb_algorithm: 'ROUND_ROBIN', name: 'p' } });
  await change('PUT', `listeners/${listener.id}`, { listener: { connection_limit: -1 } });
  const mb2 = (await change('POST', memberPath, { member: { address: a!.address, protocol_port: a!.port } })).member;
  await change('DELETE', `healthmonitors/${hm.id}`);
  await change('PUT', `${memberPath}/${mb2.id}`, { member: { weight: 3 } });
  await change('PUT', `${memberPath}/${md.id}`, { member: { admin_state_up: true } });

  const left = loadStarted + LOAD_SECONDS * 1000 - Date.now();
  if (left > 0) await sleep(left);
  running = false;
  await Promise.all(workers);
  const total = [...statuses.values()].reduce((n, count) => n + count, 0);
  assert.ok(total >= 0.8 * 500 * LOAD_SECONDS, `only ${total} requests were made`);
  t.diagnostic(`${total} requests, all 200, across 20 changes`);
  assert.deepEqual([...statuses.keys()], [200], `statuses: ${JSON.stringify([...statuses])}`);
});
