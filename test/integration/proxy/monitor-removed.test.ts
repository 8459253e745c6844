/**
 * A member a monitor found down takes traffic again once the monitor is deleted: without a monitor, members are
 * served, and a verdict of a check that no longer runs says nothing.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import { after, before, test } from 'node:test';
import { Harness, type Json } from '../api/harness.ts';
import { waitFor } from './support/line-servers.ts';

let h: Harness;
const servers: ReturnType<typeof createServer>[] = [];

before(async () => {
  h = await Harness.start();
});
after(async () => {
  await h.close();
  for (const server of servers) server.close();
});

async function member(address: string): Promise<number> {
  const server = createServer((_req, res) => res.end(address));
  servers.push(server);
  server.listen(0, address);
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

const answeredBy = (url: string) =>
  new Promise<string>((resolve, reject) => {
    const req = request(url, { agent: false }, async (res) => {
      let body = '';
      for await (const chunk of res) body += chunk;
      resolve(body);
    });
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject).end();
  });

test('deleting the monitor brings a member it found down back into rotation', async () => {
  const lb = await h.createLb({ provider: 'proxy' });
  const listener = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 8301 });
  const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
  await h.createMember(lb.id, pool.id, { address: '127.0.0.71', protocol_port: await member('127.0.0.71') });
  // Serves traffic, but its monitor port has nothing listening: the monitor finds it down.
  await h.createMember(lb.id, pool.id, {
    address: '127.0.0.72',
    protocol_port: await member('127.0.0.72'),
    monitor_port: 1,
  });
  const monitor = await h.createHm(lb.id, pool.id, {
    type: 'TCP',
    delay: 1,
    timeout: 1,
    max_retries: 1,
    max_retries_down: 1,
  });
  const url = `http://${lb.vip_address}:8301/`;
  const spread = async () => new Set(await Promise.all(Array.from({ length: 8 }, () => answeredBy(url))));
  await waitFor('the monitor takes 127.0.0.72 out', 10_000, async () => {
    const members = (await h.get(`pools/${pool.id}/members`)).body.members as Json[];
    return members.some((m) => m.operating_status === 'ERROR');
  });
  assert.deepEqual([...(await spread())], ['127.0.0.71']);
  assert.equal((await h.del(`healthmonitors/${monitor.id}`)).status, 204);
  await h.waitActive(lb.id);
  await waitFor('127.0.0.72 answers again', 10_000, async () => (await spread()).has('127.0.0.72'));
  const members = (await h.get(`pools/${pool.id}/members`)).body.members as Json[];
  assert.deepEqual(
    members.map((m) => m.operating_status),
    ['NO_MONITOR', 'NO_MONITOR'],
  );
});
