/**
 * The proxy on every core: several worker processes share each listening socket, connection limits hold over all
 * of them, /stats sums them, UDP stays in one process, and a worker that dies is replaced while the others serve.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Harness, type Json } from '../api/harness.ts';
import { connectAndTalk, type LineServer, startLineServer, type Talk, waitFor } from './support/line-servers.ts';
import { listeningPids } from './support/listening-pids.ts';

async function tcpService(
  h: Harness,
  lb: Json,
  port: number,
  member: LineServer,
  listener: Json = {},
  poolProtocol = 'TCP',
): Promise<Json> {
  const created = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: port, ...listener });
  const pool = await h.createPool(lb.id, {
    listener_id: created.id,
    protocol: poolProtocol,
    lb_algorithm: 'ROUND_ROBIN',
  });
  await h.createMember(lb.id, pool.id, { address: member.address, protocol_port: member.port });
  return created;
}

const stats = async (h: Harness, listenerId: string): Promise<Json> =>
  (await h.req('GET', `/v2/lbaas/listeners/${listenerId}/stats`)).body.stats;

/** Opens `count` held connections at once; how many a member answered, and those connections. */
async function hold(host: string, port: number, count: number): Promise<Talk[]> {
  const tries = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => connectAndTalk(host, port, `held ${i}`, { keepOpen: true })),
  );
  return tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
}

const drop = (talks: Talk[]) => {
  for (const talk of talks) talk.socket!.destroy();
};

describe('proxy with two worker processes', () => {
  let h: Harness;
  let member: LineServer;
  let proxied: LineServer;
  let lb: Json;

  before(async () => {
    h = await Harness.start({ yaml: 'proxy:\n  workers: 2\ntenancy:\n  max_connections_per_load_balancer: 6\n' });
    member = await startLineServer('127.0.0.66');
    proxied = await startLineServer('127.0.0.67', { proxyProtocol: true });
    lb = await h.createLb({ provider: 'proxy' });
  });
  after(async () => {
    await h.close();
    await member.close();
    await proxied.close();
  });

  test('both workers hold the listening socket, and the member learns the client from the PROXY header', async () => {
    await tcpService(h, lb, 7401, proxied, {}, 'PROXYV2');
    assert.equal(listeningPids(7401).length, 2);
    for (let i = 0; i < 10; i++) {
      const talk = await connectAndTalk(lb.vip_address, 7401, `hello ${i}`, { localAddress: '127.0.0.77' });
      assert.match(talk.peer, /^127\.0\.0\.77:\d+$/);
      assert.equal(talk.echo, `hello ${i}`);
    }
  });

  test("a listener's connection_limit holds over both workers, and freed slots are found wherever they are", async () => {
    const listener = await tcpService(h, lb, 7402, member, { connection_limit: 3 });
    for (let round = 0; round < 6; round++) {
      const held = await hold(lb.vip_address, 7402, 5);
      assert.equal(held.length, 3, `round ${round}: admitted connections`);
      drop(held);
      await waitFor(
        'the connections are gone',
        5_000,
        async () => (await stats(h, listener.id)).active_connections === 0,
      );
    }
  });

  test("the load balancer's cap holds over listeners and workers", async () => {
    const listener = await tcpService(h, lb, 7403, member);
    const first = await hold(lb.vip_address, 7403, 4);
    const second = await hold(lb.vip_address, 7401, 4);
    assert.equal(first.length + second.length, 6);
    drop(first);
    drop(second);
    await waitFor(
      'the connections are gone',
      5_000,
      async () => (await stats(h, listener.id)).active_connections === 0,
    );
  });

  test('/stats sums what every worker carried', async () => {
    const listener = await tcpService(h, lb, 7404, member);
    let sent = 0;
    for (let i = 0; i < 20; i++) {
      const line = `line number ${i}`;
      await connectAndTalk(lb.vip_address, 7404, line);
      sent += line.length + 1;
    }
    const counted = await waitFor('every connection counted', 5_000, async () => {
      const s = await stats(h, listener.id);
      return s.total_connections === 20 && s.active_connections === 0 && s;
    });
    assert.equal(counted.bytes_in, sent);
  });

  test('UDP flows are relayed by one worker, so a flow never splits', async () => {
    const echo = createSocket('udp4');
    echo.on('message', (message, from) => echo.send(`echo ${message}`, from.port, from.address));
    echo.bind(0, '127.0.0.68');
    await once(echo, 'listening');
    const listener = await h.createListener(lb.id, { protocol: 'UDP', protocol_port: 7405 });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN' });
    await h.createMember(lb.id, pool.id, { address: '127.0.0.68', protocol_port: echo.address().port });
    const client = createSocket('udp4');
    client.bind(0, '127.0.0.78');
    await once(client, 'listening');
    try {
      for (let i = 0; i < 5; i++) {
        const answer = once(client, 'message', { signal: AbortSignal.timeout(3_000) }) as Promise<[Buffer]>;
        client.send(`datagram ${i}`, 7405, lb.vip_address);
        assert.equal(String((await answer)[0]), `echo datagram ${i}`);
      }
      const s = await stats(h, listener.id);
      assert.equal(s.total_connections, 1);
    } finally {
      client.close();
      echo.close();
    }
  });

  test('a worker that dies is replaced; the other serves meanwhile, and the new one gets every listener', async () => {
    const [victim] = listeningPids(7404);
    process.kill(victim!, 'SIGKILL');
    for (let i = 0; i < 10; i++)
      assert.equal((await connectAndTalk(lb.vip_address, 7404, `during ${i}`)).echo, `during ${i}`);
    const pids = await waitFor('a new worker', 10_000, async () => {
      const now = listeningPids(7404);
      return now.length === 2 && !now.includes(victim!) && now;
    });
    for (const port of [7401, 7402, 7403]) assert.deepEqual(listeningPids(port), pids);
    for (let i = 0; i < 10; i++)
      assert.equal((await connectAndTalk(lb.vip_address, 7403, `after ${i}`)).echo, `after ${i}`);
  });

  test('a replacement worker knows which members health checks found down', async () => {
    // Both members take connections; their monitors ask other ports, one healthy, one not.
    const healthy = createServer((_request, response) => response.end('ok'));
    const sick = createServer((_request, response) => {
      response.statusCode = 500;
      response.end('no');
    });
    const other = await startLineServer('127.0.0.65');
    for (const [server, address] of [
      [healthy, '127.0.0.66'],
      [sick, '127.0.0.65'],
    ] as const) {
      server.listen(0, address);
      await once(server, 'listening');
    }
    const portOf = (server: typeof healthy) => (server.address() as { port: number }).port;
    try {
      const listener = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: 7407 });
      const pool = await h.createPool(lb.id, {
        listener_id: listener.id,
        protocol: 'TCP',
        lb_algorithm: 'ROUND_ROBIN',
      });
      await h.createMember(lb.id, pool.id, {
        address: member.address,
        protocol_port: member.port,
        monitor_port: portOf(healthy),
      });
      const down = await h.createMember(lb.id, pool.id, {
        address: other.address,
        protocol_port: other.port,
        monitor_port: portOf(sick),
      });
      await h.createHm(lb.id, pool.id, { type: 'HTTP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 });
      await waitFor('the sick member marked down', 10_000, async () => {
        const status = (await h.req('GET', `/v2/lbaas/pools/${pool.id}/members/${down.id}`)).body.member;
        return status.operating_status === 'ERROR';
      });
      const members = async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 8; i++) seen.add((await connectAndTalk(lb.vip_address, 7407, `m ${i}`)).member);
        return [...seen];
      };
      assert.deepEqual(await members(), [member.name]);
      for (const victim of listeningPids(7407)) process.kill(victim, 'SIGKILL');
      await waitFor('new workers', 10_000, async () => listeningPids(7407).length === 2);
      assert.deepEqual(await members(), [member.name]);
    } finally {
      healthy.close();
      sick.close();
      await other.close();
    }
  });
});

describe('proxy in the weir process itself (proxy.workers: 0)', () => {
  test("connection_limit holds, and the listener's socket is this process's", async () => {
    const h = await Harness.start({ yaml: 'proxy:\n  workers: 0\n' });
    const member = await startLineServer('127.0.0.69');
    try {
      const lb = await h.createLb({ provider: 'proxy' });
      await tcpService(h, lb, 7406, member, { connection_limit: 2 });
      assert.deepEqual(listeningPids(7406), []);
      const held = await hold(lb.vip_address, 7406, 4);
      assert.equal(held.length, 2);
      drop(held);
    } finally {
      await h.close();
      await member.close();
    }
  });
});
