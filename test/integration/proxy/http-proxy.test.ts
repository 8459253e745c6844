/**
 * The proxy provider's HTTP listeners through the real API: members are node:http servers that answer with what
 * they received; clients connect from source addresses of their own.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Harness, type Json } from '../api/harness.ts';

interface Seen {
  member: string;
  peer: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

async function startEchoMember(
  address: string,
): Promise<{ server: Server; address: string; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const entry = {
      member: address,
      peer: req.socket.remoteAddress ?? '',
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
    };
    seen.push(entry);
    const text = JSON.stringify(entry);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  server.on('upgrade', (req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
    socket.write(`hello from ${address}\n`);
    socket.pipe(socket);
    seen.push({
      member: address,
      peer: '',
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: '',
    });
  });
  server.listen(0, address);
  await once(server, 'listening');
  return { server, address, port: (server.address() as { port: number }).port, seen };
}

/** One HTTP request from `localAddress`; resolves with status, headers and body. */
function get(
  url: string,
  options: { localAddress?: string; headers?: Record<string, string>; method?: string; body?: string } = {},
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent: false },
      async (res) => {
        let body = '';
        for await (const chunk of res) body += chunk;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('proxy provider: HTTP', () => {
  let h: Harness;
  let lb: Json;
  let members: Awaited<ReturnType<typeof startEchoMember>>[];

  before(async () => {
    h = await Harness.start();
    members = await Promise.all(['127.0.0.41', '127.0.0.42'].map(startEchoMember));
    lb = await h.createLb({ provider: 'proxy' });
  });
  after(async () => {
    await h.close();
    for (const m of members) m.server.close();
  });

  async function httpListener(port: number, insertHeaders: Json, memberList = members) {
    const listener = await h.createListener(lb.id, {
      protocol: 'HTTP',
      protocol_port: port,
      insert_headers: insertHeaders,
    });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    for (const m of memberList) await h.createMember(lb.id, pool.id, { address: m.address, protocol_port: m.port });
    return { listener, pool, url: `http://${lb.vip_address}:${port}` };
  }

  test("members see the client's address in X-Forwarded-* and Forwarded, and a spoofed chain is replaced", async () => {
    const all = {
      'X-Forwarded-For': 'true',
      'X-Forwarded-Port': 'true',
      'X-Forwarded-Proto': 'true',
      Forwarded: 'true',
    };
    const { url } = await httpListener(8001, all);
    const reply = await get(`${url}/who`, {
      localAddress: '127.0.0.77',
      headers: { 'x-forwarded-for': '203.0.113.9', forwarded: 'for=203.0.113.9' },
    });
    assert.equal(reply.status, 200);
    const seen = JSON.parse(reply.body) as Seen;
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.77');
    assert.equal(seen.headers['x-forwarded-port'], '8001');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.match(
      String(seen.headers.forwarded),
      new RegExp(`^for="127\\.0\\.0\\.77:\\d+";proto=http;host="${lb.vip_address}:8001";by="${lb.vip_address}:8001"$`),
    );
  });

  test('requests are spread over the members, bodies and methods pass through', async () => {
    const { url } = await httpListener(8002, {});
    const counts = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const reply = await get(`${url}/post`, {
        method: 'POST',
        body: `payload ${i}`,
        headers: { 'content-type': 'text/plain' },
      });
      const seen = JSON.parse(reply.body) as Seen;
      assert.equal(seen.body, `payload ${i}`);
      assert.equal(seen.method, 'POST');
      counts.set(seen.member, (counts.get(seen.member) ?? 0) + 1);
    }
    assert.deepEqual([...counts.values()], [10, 10]);
  });

  test('an HTTP/1.0 request without Host reaches a member that requires one, with the address the client addressed', async () => {
    await httpListener(8008, {}, [members[0]!]);
    const socket = connect({ host: lb.vip_address, port: 8008 });
    socket.write('GET /old HTTP/1.0\r\n\r\n');
    let reply = '';
    for await (const chunk of socket) reply += String(chunk);
    assert.match(reply, /^HTTP\/1\.1 200 /);
    const seen = members[0]!.seen.at(-1)!;
    assert.equal(seen.url, '/old');
    assert.equal(seen.headers.host, `${lb.vip_address}:8008`);
  });

  test('no eligible member: an immediate 503 with Retry-After', async () => {
    const { url } = await httpListener(8003, {}, []);
    const started = Date.now();
    const reply = await get(`${url}/`);
    assert.equal(reply.status, 503);
    assert.equal(reply.headers['retry-after'], '1');
    assert.ok(Date.now() - started < 1_000);
  });

  test('a smuggling attempt is refused with 400 and reaches no member', async () => {
    const { url } = await httpListener(8004, {});
    const before = members.reduce((n, m) => n + m.seen.length, 0);
    const socket = connect({ host: lb.vip_address, port: 8004 });
    socket.write('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
    });
    await once(socket, 'close');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.equal(
      members.reduce((n, m) => n + m.seen.length, 0),
      before,
    );
    assert.ok(url);
  });

  test('a member refusing connections is skipped at once, without a monitor, and no request fails', async () => {
    const doomed = await startEchoMember('127.0.0.43');
    const { url } = await httpListener(8007, {}, [members[0]!, doomed]);
    await new Promise<void>((resolve) => doomed.server.close(() => resolve()));
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) statuses.add((await get(`${url}/`)).status);
    assert.deepEqual([...statuses], [200]);
  });

  test('a client sending its head too slowly is cut off after timeout_client_data', async () => {
    const listener = await h.createListener(lb.id, {
      protocol: 'HTTP',
      protocol_port: 8006,
      timeout_client_data: 1000,
    });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    await h.createMember(lb.id, pool.id, { address: members[0]!.address, protocol_port: members[0]!.port });
    const socket = connect({ host: lb.vip_address, port: 8006 });
    socket.write('GET / HTTP/1.1\r\nHo');
    const started = Date.now();
    socket.on('data', () => {});
    await once(socket, 'close');
    const elapsed = Date.now() - started;
    // Node checks header deadlines once a second at most here: the cut comes within timeout + 1 s.
    assert.ok(elapsed >= 900 && elapsed < 2_500, `closed after ${elapsed} ms`);
  });

  test('a member that answers nothing within timeout_member_data is a 504, on the general path as on the fast one', async () => {
    const silent = createServer(() => {});
    silent.listen(0, '127.0.0.45');
    await once(silent, 'listening');
    try {
      const listener = await h.createListener(lb.id, {
        protocol: 'HTTP',
        protocol_port: 8009,
        timeout_member_data: 300,
      });
      const pool = await h.createPool(lb.id, {
        listener_id: listener.id,
        protocol: 'HTTP',
        lb_algorithm: 'ROUND_ROBIN',
      });
      const port = (silent.address() as { port: number }).port;
      await h.createMember(lb.id, pool.id, { address: '127.0.0.45', protocol_port: port });
      const ask = async (version: string) => {
        const socket = connect({ host: lb.vip_address, port: 8009 });
        socket.write(`GET /stall HTTP/${version}\r\nHost: x\r\n\r\n`);
        let reply = '';
        socket.setEncoding('latin1').on('data', (chunk: string) => {
          reply += chunk;
        });
        await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 5_000))]);
        socket.destroy();
        return reply.split('\r\n')[0];
      };
      // HTTP/1.0 takes the general path, HTTP/1.1 the fast path.
      assert.equal(await ask('1.0'), 'HTTP/1.1 504 Gateway Timeout');
      assert.equal(await ask('1.1'), 'HTTP/1.1 504 Gateway Timeout');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  test('a WebSocket upgrade is passed through and bytes flow both ways', async () => {
    await httpListener(8005, { 'X-Forwarded-For': 'true' }, [members[0]!]);
    const socket = connect({ host: lb.vip_address, port: 8005, localAddress: '127.0.0.78' });
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      received += chunk;
    });
    const deadline = Date.now() + 5_000;
    while (!received.includes('hello from') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.match(received, /^HTTP\/1\.1 101 /);
    socket.write('ping\n');
    while (!received.includes('ping') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.match(received, /ping/);
    socket.destroy();
    const upgrade = members[0]!.seen.at(-1)!;
    assert.equal(upgrade.headers['x-forwarded-for'], '127.0.0.78');
    assert.equal(upgrade.headers.upgrade, 'websocket');
  });
});
