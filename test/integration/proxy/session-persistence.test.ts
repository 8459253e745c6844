/**
 * Session persistence on the proxy provider, with real sockets and two worker processes: SOURCE_IP (HTTP and TCP),
 * HTTP_COOKIE and APP_COOKIE hold across new connections wherever they land, survive the removal of other members,
 * and fall over when their member goes away; UDP keeps its table with persistence_timeout and granularity.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Harness, type Json } from '../api/harness.ts';
import { connectAndTalk, type LineServer, startLineServer, waitFor } from './support/line-servers.ts';
import { listeningPids } from './support/listening-pids.ts';

/**
 * An HTTP member answering its name; to a request without JSESSIONID it gives one of its own. An upgrade is switched
 * to a tunnel that starts with the member's name and then echoes.
 */
interface HttpMember {
  name: string;
  address: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

async function httpMember(address: string): Promise<HttpMember> {
  let sessions = 0;
  const server = createServer((req, res) => {
    if (!/JSESSIONID=/.test(req.headers.cookie ?? '')) {
      res.setHeader('set-cookie', [`JSESSIONID=${address}-${++sessions}; Path=/; HttpOnly`, 'theme=dark']);
    }
    res.end(address);
  });
  server.on('upgrade', (_req, socket: Socket) => {
    socket.on('error', () => {});
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n${address}\n`);
    socket.pipe(socket);
  });
  server.listen(0, address);
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    name: address,
    address,
    port,
    server,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Answer {
  member: string;
  setCookies: string[];
}

/** One request on a new connection (so it may land in either worker), from `from`. */
function get(host: string, port: number, options: { from?: string; cookie?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path: '/',
        agent: false,
        localAddress: options.from,
        headers: options.cookie ? { cookie: options.cookie } : {},
        signal: AbortSignal.timeout(5_000),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ member: body, setCookies: res.headers['set-cookie'] ?? [] }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket upgrade on a new connection: the answer's head and the first line the tunnel carried (the member). */
async function upgrade(host: string, port: number, cookie?: string): Promise<{ head: string; member: string }> {
  const socket = connect({ host, port });
  socket.setTimeout(5_000, () => socket.destroy());
  socket.write(
    'GET /ws HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\n' +
      `sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n${cookie ? `cookie: ${cookie}\r\n` : ''}\r\n`,
  );
  let received = '';
  socket.setEncoding('latin1');
  for await (const chunk of socket) {
    received += chunk;
    if (/\r\n\r\n.*\n/s.test(received)) break;
  }
  socket.destroy();
  const [head = '', rest = ''] = received.split('\r\n\r\n');
  return { head, member: rest.split('\n')[0]! };
}

/** The value of cookie `name` among Set-Cookie fields. */
const cookieIn = (setCookies: string[], name: string): string | undefined =>
  setCookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0];

async function membersOf(answers: Promise<Answer>[]): Promise<Set<string>> {
  return new Set((await Promise.all(answers)).map((a) => a.member));
}

describe('proxy session persistence with two workers', () => {
  let h: Harness;
  let lb: Json;
  const members: HttpMember[] = [];
  const lines: LineServer[] = [];

  before(async () => {
    h = await Harness.start({ yaml: 'proxy:\n  workers: 2\n' });
    lb = await h.createLb({ provider: 'proxy' });
  });
  after(async () => {
    await h.close();
    for (const m of members) await m.stop().catch(() => {});
    for (const l of lines) await l.close();
  });

  /** A listener and its default pool with `persistence`, and a member per address; the pool's members by name. */
  async function service(
    port: number,
    persistence: Json,
    addresses: string[],
    protocol = 'HTTP',
  ): Promise<{ pool: Json; ids: Map<string, string> }> {
    const listener = await h.createListener(lb.id, { protocol, protocol_port: port });
    const pool = await h.createPool(lb.id, {
      listener_id: listener.id,
      protocol,
      lb_algorithm: 'ROUND_ROBIN',
      session_persistence: persistence,
    });
    const ids = new Map<string, string>();
    for (const address of addresses) {
      const member = protocol === 'HTTP' ? await httpMember(address) : await startLineServer(address);
      if ('server' in member) members.push(member);
      else lines.push(member);
      const created = await h.createMember(lb.id, pool.id, { address, protocol_port: member.port });
      ids.set(address, created.id);
    }
    return { pool, ids };
  }

  test('SOURCE_IP: each client keeps its member; removing a member moves only its clients; a dead member falls over', async () => {
    const { pool, ids } = await service(7501, { type: 'SOURCE_IP' }, ['127.0.0.91', '127.0.0.92', '127.0.0.93']);
    /**
     * The member a client is on: its first connection alone, as two at once from a client with no (or a dead)
     * member may land in two workers and go to two members (the control process keeps the first, and the later
     * connections follow it); then eight at once, which must all go there.
     */
    const memberOf = async (client: string): Promise<string> => {
      const { member } = await get(lb.vip_address, 7501, { from: client });
      const seen = await membersOf(Array.from({ length: 8 }, () => get(lb.vip_address, 7501, { from: client })));
      assert.deepEqual(seen, new Set([member]), client);
      return member;
    };
    const clients = ['127.0.0.101', '127.0.0.102', '127.0.0.103', '127.0.0.104', '127.0.0.105', '127.0.0.106'];
    const stuck = new Map<string, string>();
    for (const client of clients) stuck.set(client, await memberOf(client));
    assert.ok(new Set(stuck.values()).size >= 2, 'clients are spread over the members');

    const removed = stuck.get(clients[0]!)!;
    assert.equal((await h.req('DELETE', `/v2/lbaas/pools/${pool.id}/members/${ids.get(removed)}`)).status, 204);
    await h.waitActive(lb.id);
    for (const client of clients) {
      const member = await memberOf(client);
      if (stuck.get(client) === removed) assert.notEqual(member, removed);
      else assert.equal(member, stuck.get(client), `${client} kept its member`);
      stuck.set(client, member);
    }

    // The member of the first client stops: its clients fall over to the other one and stay there.
    const dead = stuck.get(clients[0]!)!;
    await members.find((m) => m.name === dead)!.stop();
    for (const client of clients) {
      const member = await memberOf(client);
      if (stuck.get(client) === dead) assert.notEqual(member, dead);
      else assert.equal(member, stuck.get(client));
    }
  });

  test('HTTP_COOKIE: the signed cookie keeps the member; forged and altered cookies are balanced; a dead member falls over with a new cookie', async () => {
    await service(7502, { type: 'HTTP_COOKIE' }, ['127.0.0.94', '127.0.0.95', '127.0.0.96']);
    const first = await get(lb.vip_address, 7502);
    const cookie = cookieIn(first.setCookies, 'SRV');
    assert.ok(cookie, `a cookie was set: ${first.setCookies}`);
    const kept = await Promise.all(Array.from({ length: 10 }, () => get(lb.vip_address, 7502, { cookie })));
    assert.deepEqual(new Set(kept.map((a) => a.member)), new Set([first.member]));
    assert.ok(
      kept.every((a) => cookieIn(a.setCookies, 'SRV') === undefined),
      'no new cookie while it holds',
    );
    // Without a cookie, requests are balanced.
    assert.ok((await membersOf(Array.from({ length: 6 }, () => get(lb.vip_address, 7502)))).size >= 2);

    const value = cookie.slice('SRV='.length);
    for (const forged of [`SRV=${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`, 'SRV=127.0.0.95', 'SRV=']) {
      const answers = await Promise.all(Array.from({ length: 6 }, () => get(lb.vip_address, 7502, { cookie: forged })));
      assert.ok(new Set(answers.map((a) => a.member)).size >= 2, `${forged} aims at no member`);
      for (const answer of answers) {
        const fresh = cookieIn(answer.setCookies, 'SRV');
        assert.ok(fresh && fresh !== forged, 'a forged cookie is replaced');
        assert.equal((await get(lb.vip_address, 7502, { cookie: fresh })).member, answer.member);
      }
    }

    await members.find((m) => m.name === first.member)!.stop();
    const fallen = await get(lb.vip_address, 7502, { cookie });
    assert.notEqual(fallen.member, first.member);
    const recookie = cookieIn(fallen.setCookies, 'SRV');
    assert.ok(recookie && recookie !== cookie);
    const after = await membersOf(Array.from({ length: 6 }, () => get(lb.vip_address, 7502, { cookie: recookie })));
    assert.deepEqual(after, new Set([fallen.member]));
  });

  test('HTTP_COOKIE: a WebSocket upgrade answer sets the cookie other answers set, and the cookie keeps upgrades on its member', async () => {
    await service(7506, { type: 'HTTP_COOKIE' }, ['127.0.0.141', '127.0.0.142']);
    const first = await upgrade(lb.vip_address, 7506);
    assert.match(first.head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(first.member, /^127\.0\.0\.14[12]$/);
    const setCookie = /\r\nset-cookie: (SRV=[^;\r]*)[^\r]*(\r\n|$)/i.exec(first.head)?.[1];
    assert.ok(setCookie, first.head);
    // The cookie is the one plain requests get: it sends them, and later upgrades, to the member that answered.
    assert.equal((await get(lb.vip_address, 7506, { cookie: setCookie })).member, first.member);
    for (let i = 0; i < 4; i++) {
      const again = await upgrade(lb.vip_address, 7506, setCookie);
      assert.equal(again.member, first.member);
      assert.doesNotMatch(again.head, /set-cookie/i, 'no new cookie while it holds');
    }
    // Without a cookie, upgrades are balanced, each told where it went.
    const spread = await Promise.all(Array.from({ length: 6 }, () => upgrade(lb.vip_address, 7506)));
    assert.equal(new Set(spread.map((u) => u.member)).size, 2);
    for (const { head, member } of spread) {
      const cookie = /\r\nset-cookie: (SRV=[^;\r]*)/i.exec(head)?.[1];
      assert.equal((await get(lb.vip_address, 7506, { cookie })).member, member);
    }
  });

  test("HTTP_COOKIE is the amphora's `cookie SRV insert indirect nocache`: members never see SRV, and an answer a cache could keep is made private when it gets one", async () => {
    // A member that answers with the request's Cookie fields, and with the fields its query names.
    const echo = createServer((req, res) => {
      for (const [name, value] of new URL(req.url!, 'http://member').searchParams) res.setHeader(name, value);
      const cookies = req.rawHeaders.filter((_, i, raw) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'cookie');
      req.resume();
      req.on('end', () => res.end(JSON.stringify(cookies)));
    });
    echo.listen(0, '127.0.0.151');
    await once(echo, 'listening');
    members.push({
      name: 'echo',
      address: '127.0.0.151',
      port: (echo.address() as { port: number }).port,
      server: echo,
      stop: () => new Promise<void>((resolve) => echo.close(() => resolve())),
    });
    const listener = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 7507 });
    const pool = await h.createPool(lb.id, {
      listener_id: listener.id,
      protocol: 'HTTP',
      lb_algorithm: 'ROUND_ROBIN',
      session_persistence: { type: 'HTTP_COOKIE' },
    });
    await h.createMember(lb.id, pool.id, { address: '127.0.0.151', protocol_port: members.at(-1)!.port });
    await h.waitActive(lb.id);

    /** One request on its own connection: the answer's Set-Cookie and Cache-Control values, and the member's echo. */
    const ask = async (version: string, request: string) => {
      const [line, ...fields] = request.split('\n');
      const body = line!.startsWith('POST') ? 'hi' : '';
      const socket = connect({ host: lb.vip_address, port: 7507 });
      socket.setTimeout(5_000, () => socket.destroy());
      socket.write(
        `${line} HTTP/${version}\r\nhost: x\r\nconnection: close\r\ncontent-length: ${body.length}\r\n` +
          `${fields.map((f) => `${f}\r\n`).join('')}\r\n${body}`,
      );
      let answer = '';
      socket.setEncoding('latin1');
      for await (const chunk of socket) answer += chunk;
      const [head = '', echoed = ''] = answer.split('\r\n\r\n');
      const values = (name: string) =>
        head
          .split('\r\n')
          .filter((l) => l.toLowerCase().startsWith(`${name}:`))
          .map((l) => l.slice(name.length + 1).trim());
      return {
        setCookie: values('set-cookie'),
        cacheControl: values('cache-control'),
        cookies: echoed === '' ? null : JSON.parse(echoed),
      };
    };

    // HTTP/1.1 on the fast path; HTTP/1.0 on the general path.
    for (const version of ['1.1', '1.0']) {
      const first = await ask(version, 'GET /');
      assert.match(first.setCookie[0] ?? '', /^SRV=[\w-]+; path=\/$/, version);
      const srv = first.setCookie[0]!.split(';')[0]!;
      const cases: [string, string[], string[]][] = [
        // [request, the answer's Cache-Control values, the Cookie fields the member got]
        // No freshness and no validator: not cacheable, as HAProxy 2.6.12 takes it.
        ['GET /', [], []],
        ['HEAD /?Cache-Control=max-age%3D60', ['max-age=60', 'private'], []],
        ['GET /?Cache-Control=max-age%3D60', ['max-age=60', 'private'], []],
        ['GET /?Cache-Control=no-store', ['no-store'], []],
        ['GET /?Cache-Control=public%2C%20no-cache', ['public, no-cache'], []],
        ['GET /?Pragma=no-cache&Cache-Control=max-age%3D60', ['max-age=60'], []],
        ['POST /?Cache-Control=max-age%3D60', ['max-age=60'], []],
        ['POST /?Cache-Control=public%2C%20max-age%3D60', ['public, max-age=60', 'private'], []],
        ['GET /?Cache-Control=max-age%3D60\ncookie: a=1; SRV=forged; b=2', ['max-age=60', 'private'], ['a=1; b=2']],
        ['GET /\ncookie: SRV=', [], []],
      ];
      for (const [request, cacheControl, cookies] of cases) {
        const seen = await ask(version, request);
        const label = `HTTP/${version} ${JSON.stringify(request)}`;
        assert.equal(seen.setCookie.length, 1, label);
        assert.deepEqual(seen.cacheControl, cacheControl, label);
        if (!request.startsWith('HEAD')) assert.deepEqual(seen.cookies, cookies, label);
      }
      // A client whose cookie holds: nothing inserted, nothing made private; the member still sees no SRV.
      const kept = await ask(version, `GET /\ncookie: a=1; ${srv}; b=2\ncookie: ${srv}`);
      assert.deepEqual([kept.setCookie, kept.cacheControl, kept.cookies], [[], [], ['a=1; b=2']], version);
    }

    // A pool without persistence that an L7 policy sends requests to gets the Cookie fields as they came.
    const plain = await h.createPool(lb.id, { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    await h.createMember(lb.id, plain.id, { address: '127.0.0.151', protocol_port: members.at(-1)!.port });
    const policy = await h.createL7Policy(lb.id, listener.id, {
      action: 'REDIRECT_TO_POOL',
      redirect_pool_id: plain.id,
    });
    await h.createRule(lb.id, policy.id, { type: 'PATH', compare_type: 'STARTS_WITH', value: '/plain' });
    await h.waitActive(lb.id);
    for (const version of ['1.1', '1.0']) {
      const routed = await ask(version, 'GET /plain\ncookie: a=1; SRV=x');
      assert.deepEqual([routed.setCookie, routed.cacheControl, routed.cookies], [[], [], ['a=1; SRV=x']], version);
      assert.deepEqual((await ask(version, 'GET /\ncookie: a=1; SRV=x')).cookies, ['a=1'], version);
    }
  });

  test("APP_COOKIE: requests carrying the member's session cookie go to it, in either worker; a dead member falls over", async () => {
    await service(7503, { type: 'APP_COOKIE', cookie_name: 'JSESSIONID' }, ['127.0.0.97', '127.0.0.98', '127.0.0.99']);
    const sessions: { member: string; cookie: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await get(lb.vip_address, 7503);
      sessions.push({ member: answer.member, cookie: cookieIn(answer.setCookies, 'JSESSIONID')! });
    }
    // The worker that relayed the answer tells the other through the control process: an IPC message's time.
    await sleep(100);
    for (const session of sessions) {
      const cookie = `theme=dark; ${session.cookie}`;
      const seen = await membersOf(Array.from({ length: 8 }, () => get(lb.vip_address, 7503, { cookie })));
      assert.deepEqual(seen, new Set([session.member]), session.cookie);
    }

    const lost = sessions[0]!;
    await members.find((m) => m.name === lost.member)!.stop();
    const moved = await get(lb.vip_address, 7503, { cookie: lost.cookie });
    assert.notEqual(moved.member, lost.member);
    await sleep(100);
    const after = await membersOf(Array.from({ length: 6 }, () => get(lb.vip_address, 7503, { cookie: lost.cookie })));
    assert.deepEqual(after, new Set([moved.member]), 'the session stays on the member it fell over to');
  });

  test('TCP: SOURCE_IP keeps a client on one member; HTTP_COOKIE on a TCP pool is accepted and balances, as in Octavia', async () => {
    await service(7504, { type: 'SOURCE_IP' }, ['127.0.0.81', '127.0.0.82'], 'TCP');
    const first = await connectAndTalk(lb.vip_address, 7504, 'hi', { localAddress: '127.0.0.111' });
    const talks = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        connectAndTalk(lb.vip_address, 7504, `hi ${i}`, { localAddress: '127.0.0.111' }),
      ),
    );
    assert.deepEqual(new Set(talks.map((t) => t.member)), new Set([first.member]));

    await service(7505, { type: 'HTTP_COOKIE' }, ['127.0.0.83', '127.0.0.84'], 'TCP');
    const spread = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        connectAndTalk(lb.vip_address, 7505, `hi ${i}`, { localAddress: '127.0.0.111' }),
      ),
    );
    assert.equal(new Set(spread.map((t) => t.member)).size, 2);
  });

  test('a worker started anew is given the clients stuck before', async () => {
    const clients = ['127.0.0.131', '127.0.0.132', '127.0.0.133', '127.0.0.134', '127.0.0.135', '127.0.0.136'];
    const stuck = new Map<string, string>();
    for (const client of clients) {
      stuck.set(client, (await connectAndTalk(lb.vip_address, 7504, 'hi', { localAddress: client })).member);
    }
    const [victim] = listeningPids(7504);
    process.kill(victim!, 'SIGKILL');
    await waitFor('a new worker', 10_000, async () => {
      const now = listeningPids(7504);
      return now.length === 2 && !now.includes(victim!);
    });
    // The entries follow the load balancers in the new worker's first messages.
    await sleep(200);
    for (const client of clients) {
      const talks = await Promise.all(
        Array.from({ length: 8 }, (_, i) => connectAndTalk(lb.vip_address, 7504, `hi ${i}`, { localAddress: client })),
      );
      assert.deepEqual(new Set(talks.map((t) => t.member)), new Set([stuck.get(client)]), client);
    }
  });
});

describe('proxy session persistence on UDP', () => {
  let h: Harness;
  let lb: Json;
  const members: UdpSocket[] = [];
  const clients: UdpSocket[] = [];

  before(async () => {
    h = await Harness.start();
    lb = await h.createLb({ provider: 'proxy' });
    const listener = await h.createListener(lb.id, { protocol: 'UDP', protocol_port: 5301 });
    const pool = await h.createPool(lb.id, {
      listener_id: listener.id,
      protocol: 'UDP',
      lb_algorithm: 'ROUND_ROBIN',
      session_persistence: { type: 'SOURCE_IP', persistence_timeout: 1, persistence_granularity: '255.255.255.0' },
    });
    for (const address of ['127.0.0.61', '127.0.0.62', '127.0.0.63']) {
      const socket = createSocket('udp4');
      socket.on('message', (_message, from) => socket.send(address, from.port, from.address));
      socket.bind(0, address);
      await once(socket, 'listening');
      members.push(socket);
      await h.createMember(lb.id, pool.id, { address, protocol_port: socket.address().port });
    }
  });
  after(async () => {
    for (const socket of [...clients, ...members]) socket.close();
    await h.close();
  });

  /** A new flow from `source`: the member that answers it. */
  async function ask(source: string): Promise<string> {
    const client = createSocket('udp4');
    clients.push(client);
    client.bind(0, source);
    await once(client, 'listening');
    const answer = once(client, 'message', { signal: AbortSignal.timeout(3_000) }) as Promise<[Buffer]>;
    client.send('hello', 5301, lb.vip_address);
    return String((await answer)[0]);
  }

  test('clients of one network keep one member until the timeout; another network is balanced', async () => {
    const first = await ask('127.0.0.121');
    assert.equal(await ask('127.0.0.122'), first);
    assert.equal(await ask('127.0.0.200'), first);
    const other = await ask('127.0.1.121');
    assert.notEqual(other, first, 'another /24 is another client');
    assert.equal(await ask('127.0.1.7'), other);
    // persistence_timeout 1: idle for longer, the network is balanced again (round robin's next member).
    await sleep(1_500);
    const later = await ask('127.0.0.123');
    assert.notEqual(later, first);
    assert.notEqual(later, other);
  });
});
