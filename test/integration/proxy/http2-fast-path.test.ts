/**
 * The HTTP/2 fast path (http2-exchange.ts) on real sockets: Node's HTTP/2 client against a TERMINATED_HTTPS listener
 * carried by the proxy's worker, members that are raw TCP servers answering with exact bytes. Streams go to members
 * over pooled keep-alive connections as HTTP/1.1; answers in every HTTP/1.1 framing come back as HTTP/2 bodies, with
 * persistence, L7 routing, retries, failures, counters and the access log as the general path has them.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { type ClientHttp2Session, type ClientHttp2Stream, connect, constants } from 'node:http2';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { parsePrometheusText, sampleValue } from '../../support/prometheus-text.ts';
import { Harness, type Json } from '../api/harness.ts';
import { rawMember } from './support/raw-member.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** A stream's answer, or the error that ended it. */
async function answerOf(stream: ClientHttp2Stream): Promise<Answer> {
  const [headers] = (await once(stream, 'response')) as [Answer['headers']];
  let body = '';
  stream.setEncoding('latin1');
  for await (const chunk of stream) body += chunk;
  return { status: Number(headers[':status']), headers, body };
}

function h2get(
  session: ClientHttp2Session,
  path: string,
  headers: Record<string, string | string[]> = {},
  method = 'GET',
): Promise<Answer> {
  return answerOf(session.request({ ':method': method, ':path': path, ...headers }, { endStream: true }));
}

/** One stream with a request body, its length said. */
function h2send(session: ClientHttp2Session, method: string, path: string, body: Buffer): Promise<Answer> {
  const stream = session.request({ ':method': method, ':path': path, 'content-length': String(body.length) });
  stream.end(body);
  return answerOf(stream);
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n${extra}\r\n${body}`;
/** The value of a field in a request head the member read. */
const fieldOf = (head: string, name: string) => new RegExp(`\r\n${name}: ([^\r]*)`, 'i').exec(head)?.[1];

describe('proxy provider: the HTTP/2 fast path', () => {
  let h: Harness;
  let lb: Json;
  let logPath: string;
  const servers: Server[] = [];
  const sessions: ClientHttp2Session[] = [];
  const open = (port: number) => {
    const session = connect(`https://${lb.vip_address}:${port}`, { rejectUnauthorized: false });
    session.on('error', () => {});
    sessions.push(session);
    return session;
  };

  before(async () => {
    logPath = join(process.env.TMPDIR ?? '/tmp', `weir-h2-access-${process.pid}.log`);
    h = await Harness.start({ yaml: `access_log:\n  path: ${logPath}\n  format: json\n` });
    lb = await h.createLb({ provider: 'proxy' });
  });
  after(async () => {
    for (const session of sessions) session.destroy();
    await h.close();
    for (const server of servers) server.close();
    rmSync(logPath, { force: true });
  });

  async function httpsListener(port: number, fields: Json = {}): Promise<Json> {
    return h.createListener(lb.id, {
      protocol: 'TERMINATED_HTTPS',
      protocol_port: port,
      default_tls_container_ref: await h.storeCertificate('www.example.test'),
      ...fields,
    });
  }

  async function poolOf(listenerId: string | null, members: { address: string; port: number }[], fields: Json = {}) {
    const pool = await h.createPool(lb.id, { listener_id: listenerId, protocol: 'HTTP', ...fields });
    for (const { address, port } of members) await h.createMember(lb.id, pool.id, { address, protocol_port: port });
    return pool;
  }

  test('answers in every framing arrive as their bodies alone; streams share pooled member connections', async () => {
    const member = await rawMember('127.0.0.171', (head) => {
      const path = head.split(' ')[1];
      if (path === '/chunked')
        return 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n6\r\n world\r\n0\r\nt: 1\r\n\r\n';
      if (path === '/close') return 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end';
      if (path === '/hints') return `HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n${ok('hinted')}`;
      if (path === '/empty') return 'HTTP/1.1 204 No Content\r\n\r\n';
      return ok(`length ${path}`, 'connection: keep-alive\r\nkeep-alive: timeout=5\r\nx-member: one\r\n');
    });
    servers.push(member.server);
    await poolOf((await httpsListener(8461)).id, [{ address: '127.0.0.171', port: member.port }]);
    const session = open(8461);
    const chunked = await h2get(session, '/chunked');
    assert.deepEqual(
      [chunked.status, chunked.body, chunked.headers['transfer-encoding']],
      [200, 'hello world', undefined],
    );
    const closed = await h2get(session, '/close');
    assert.deepEqual([closed.status, closed.body], [200, 'until the end']);
    const hinted = await h2get(session, '/hints');
    assert.deepEqual([hinted.status, hinted.body], [200, 'hinted']);
    assert.equal((await h2get(session, '/empty')).status, 204);
    const head = await h2get(session, '/length', {}, 'HEAD');
    assert.deepEqual([head.status, head.body, head.headers['content-length']], [200, '', '14']);
    const plain = await h2get(session, '/length');
    assert.deepEqual(
      [plain.body, plain.headers['x-member'], plain.headers['keep-alive']],
      ['length /length', 'one', undefined],
    );

    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => h2get(session, `/item/${i}`)));
    for (const [i, answer] of answers.entries()) assert.equal(answer.body, `length /item/${i}`);
    // Streams one after the other take the connections the others left in the pool.
    const pooled = member.connections();
    for (let i = 0; i < 10; i++) assert.equal((await h2get(session, `/one/${i}`)).body, `length /one/${i}`);
    assert.equal(member.connections(), pooled, 'a new member connection for a stream while others idled');
    for (const seen of member.heads.slice(-50)) {
      assert.match(seen, /^GET \/(item|one)\/\d+ HTTP\/1\.1\r\n/);
      assert.equal(fieldOf(seen, 'host'), `${lb.vip_address}:8461`);
    }
  });

  test('forwarding headers say https; cookie fields reach the member joined; an invalid request is refused', async () => {
    const member = await rawMember('127.0.0.172', () => ok('seen'));
    servers.push(member.server);
    const listener = await httpsListener(8462, {
      insert_headers: {
        'X-Forwarded-For': 'true',
        'X-Forwarded-Proto': 'true',
        'X-Forwarded-Port': 'true',
        Forwarded: 'true',
      },
    });
    await poolOf(listener.id, [{ address: '127.0.0.172', port: member.port }]);
    const session = open(8462);
    const answer = await h2get(session, '/f', { cookie: ['a=1', 'b=2'], 'x-forwarded-for': '6.6.6.6' });
    assert.equal(answer.body, 'seen');
    const seen = member.heads.at(-1)!;
    assert.equal(fieldOf(seen, 'x-forwarded-for'), '127.0.0.1');
    assert.equal(fieldOf(seen, 'x-forwarded-proto'), 'https');
    assert.equal(fieldOf(seen, 'x-forwarded-port'), '8462');
    assert.match(fieldOf(seen, 'forwarded') ?? '', /^for="127\.0\.0\.1:\d+";proto=https;/);
    assert.equal(fieldOf(seen, 'cookie'), 'a=1; b=2');
    assert.equal(seen.match(/\r\ncookie:/gi)?.length, 1);
    const heads = member.heads.length;
    // The request guard's checks hold here too.
    assert.equal((await h2get(session, '/', { host: 'a,b' })).status, 400);
    assert.equal(member.heads.length, heads);
  });

  test('HTTP_COOKIE persistence: the answer gets the cookie, which keeps the member; members never see it', async () => {
    const members = await Promise.all(
      ['127.0.0.173', '127.0.0.174'].map((address) =>
        rawMember(address, () => ok(address, 'cache-control: max-age=60\r\n')),
      ),
    );
    for (const { server } of members) servers.push(server);
    const listener = await httpsListener(8463);
    await poolOf(
      listener.id,
      members.map((m, i) => ({ address: `127.0.0.17${3 + i}`, port: m.port })),
      { session_persistence: { type: 'HTTP_COOKIE' } },
    );
    const session = open(8463);
    const first = await h2get(session, '/');
    const setCookie = [first.headers['set-cookie'] ?? []]
      .flat()
      .map(String)
      .find((c) => c.startsWith('SRV='));
    assert.ok(setCookie, JSON.stringify(first.headers));
    // The member's Cache-Control and persistence's, which Node's client joins.
    assert.equal(first.headers['cache-control'], 'max-age=60, private');
    const cookie = setCookie.split(';')[0]!;
    for (let i = 0; i < 6; i++) {
      const again = await h2get(session, '/', { cookie: [cookie, 'app=1'] });
      assert.equal(again.body, first.body);
      assert.equal(again.headers['set-cookie'], undefined, 'no new cookie while it holds');
    }
    const heads = members.flatMap((m) => m.heads);
    assert.ok(
      heads.every((head) => !/SRV=/.test(head)),
      'a member saw SRV',
    );
    assert.ok(heads.some((head) => fieldOf(head, 'cookie') === 'app=1'));
  });

  test('L7 policies: REDIRECT_TO_POOL, REDIRECT_PREFIX and REJECT per stream', async () => {
    const main = await rawMember('127.0.0.175', () => ok('main'));
    const other = await rawMember('127.0.0.176', () => ok('other'));
    servers.push(main.server, other.server);
    const listener = await httpsListener(8464);
    await poolOf(listener.id, [{ address: '127.0.0.175', port: main.port }]);
    const otherPool = await poolOf(null, [{ address: '127.0.0.176', port: other.port }]);
    const policy = async (fields: Json, value: string, position: number) => {
      const created = await h.createL7Policy(lb.id, listener.id, { ...fields, position });
      await h.createRule(lb.id, created.id, { type: 'PATH', compare_type: 'STARTS_WITH', value });
    };
    await policy({ action: 'REDIRECT_TO_POOL', redirect_pool_id: otherPool.id }, '/api', 1);
    await policy(
      { action: 'REDIRECT_PREFIX', redirect_prefix: 'https://elsewhere.example', redirect_http_code: 308 },
      '/old',
      2,
    );
    await policy({ action: 'REJECT' }, '/private', 3);
    await h.waitActive(lb.id);
    const session = open(8464);
    assert.equal((await h2get(session, '/api/x')).body, 'other');
    assert.equal((await h2get(session, '/web')).body, 'main');
    const moved = await h2get(session, '/old/page?q=1');
    assert.deepEqual([moved.status, moved.headers.location], [308, 'https://elsewhere.example/old/page?q=1']);
    assert.equal((await h2get(session, '/private')).status, 403);
    assert.equal((await h2get(session, '/web')).body, 'main', 'the connection goes on');
  });

  test('a member not reached is skipped; one that closes, answers garbage or stalls is a 502 or 504 on its stream', async () => {
    const good = await rawMember('127.0.0.177', () => ok('good'));
    servers.push(good.server);
    // A port nothing listens on: connections to it are refused.
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.178', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const skipping = await httpsListener(8465);
    await poolOf(skipping.id, [
      { address: '127.0.0.178', port: closedPort },
      { address: '127.0.0.177', port: good.port },
    ]);
    const session = open(8465);
    const answers = await Promise.all(Array.from({ length: 6 }, () => h2get(session, '/')));
    assert.deepEqual(
      answers.map((a) => a.body),
      Array(6).fill('good'),
    );

    const bad = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', (chunk: Buffer) => {
        const path = chunk.toString('latin1').split(' ')[1];
        if (path === '/close') socket.destroy();
        else if (path === '/garbage') socket.write('HTTP/1.1 200 OK\r\ncontent-length: x\r\n\r\n');
        else if (path === '/cut') socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part');
        // Anything else: no answer at all.
      });
    });
    bad.listen(0, '127.0.0.179');
    await once(bad, 'listening');
    servers.push(bad);
    const failing = await httpsListener(8466, { timeout_member_data: 500 });
    await poolOf(failing.id, [{ address: '127.0.0.179', port: (bad.address() as { port: number }).port }]);
    const other = open(8466);
    assert.equal((await h2get(other, '/close')).status, 502);
    assert.equal((await h2get(other, '/garbage')).status, 502);
    const stalled = await h2get(other, '/stall');
    assert.equal(stalled.status, 504);
    assert.equal(stalled.body, 'Gateway Timeout\n');
    const cut = await h2get(other, '/cut').then(
      (answer) => `whole: ${answer.body}`,
      (error: Error) => `reset: ${error.message}`,
    );
    assert.match(cut, /^reset/);
    assert.equal((await h2get(other, '/stall-again')).status, 504, 'the session still serves');

    // A client gone while its stream waits for a member (its TCP connection dropped, no GOAWAY or RST_STREAM): the
    // stream's end is logged after its session let go of the socket.
    let raw: TLSSocket | undefined;
    const leaving = connect(`https://${lb.vip_address}:8466`, {
      createConnection: () => {
        raw = tlsConnect({ host: lb.vip_address, port: 8466, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
        return raw;
      },
    });
    leaving.on('error', () => {});
    const waiting = leaving.request({ ':path': '/stall-left' });
    waiting.on('error', () => {});
    await once(leaving, 'connect');
    await sleep(100);
    raw!.destroy();
    let logged = false;
    for (let i = 0; i < 50 && !logged; i++) {
      await sleep(50);
      logged = readFileSync(logPath, 'utf8').includes('"/stall-left"');
    }
    assert.ok(logged, "the stream's end is logged, its client gone");
    assert.equal((await h2get(open(8465), '/')).body, 'good', 'the listener still serves after the client left');
  });

  test('a field a member repeats with the same value reaches the client once, and the answer is relayed', async () => {
    const member = await rawMember(
      '127.0.0.183',
      () =>
        'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-type: text/plain\r\nx-tag: a\r\nx-tag: b\r\n' +
        'content-length: 4\r\n\r\ntwin',
    );
    servers.push(member.server);
    const listener = await httpsListener(8470);
    await poolOf(listener.id, [{ address: '127.0.0.183', port: member.port }]);
    const answer = await h2get(open(8470), '/twin');
    assert.deepEqual([answer.status, answer.body, answer.headers['content-type']], [200, 'twin', 'text/plain']);
    assert.equal(answer.headers['x-tag'], 'a, b', 'a field that may repeat keeps both values');
  });

  test('request bodies of a said length reach the member whole; one answered early leaves its connection unused', async () => {
    const digest = (body: string) => createHash('sha256').update(body, 'latin1').digest('hex');
    const member = await rawMember('127.0.0.181', (head, body) =>
      ok(`${head.split(' ')[0]} ${body.length} ${digest(body)}`),
    );
    servers.push(member.server);
    const listener = await httpsListener(8468);
    await poolOf(listener.id, [{ address: '127.0.0.181', port: member.port }]);
    const policy = await h.createL7Policy(lb.id, listener.id, { action: 'REJECT', position: 1 });
    await h.createRule(lb.id, policy.id, { type: 'PATH', compare_type: 'STARTS_WITH', value: '/denied' });
    await h.waitActive(lb.id);
    const session = open(8468);
    // Patterned, so that a piece out of place or lost shows.
    const body = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 12)) & 0xff;
    // A body weir answers without reading is read and dropped, so the client can finish sending it and the stream
    // closes: left unread it would stay open, one of the session's 100.
    const denied = session.request({ ':method': 'POST', ':path': '/denied', 'content-length': String(body.length) });
    denied.end(body);
    assert.equal((await answerOf(denied)).status, 403);
    if (!denied.closed) await Promise.race([once(denied, 'close'), sleep(5_000)]);
    assert.ok(denied.closed, 'the stream stayed open');
    const answers = await Promise.all(['POST', 'PUT', 'POST'].map((method) => h2send(session, method, '/up', body)));
    const want = digest(body.toString('latin1'));
    for (const [i, answer] of answers.entries()) {
      assert.equal(answer.body, `${i === 1 ? 'PUT' : 'POST'} ${body.length} ${want}`);
    }
    for (const head of member.heads.slice(-3)) assert.equal(fieldOf(head, 'content-length'), String(body.length));
    // A client that gives up halfway through its body: its member connection goes, the session serves on.
    const cut = session.request({ ':method': 'POST', ':path': '/cut', 'content-length': String(body.length) });
    cut.on('error', () => {});
    cut.write(body.subarray(0, 100_000));
    await sleep(100);
    cut.close(constants.NGHTTP2_CANCEL);
    assert.equal((await h2send(session, 'POST', '/after', Buffer.from('x'))).body, `POST 1 ${digest('x')}`);

    // A member that answers as soon as it has a head, and reads on.
    let connections = 0;
    const early = createServer((socket) => {
      connections++;
      socket.on('error', () => {});
      socket.once('data', () => socket.write('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n'));
    });
    early.listen(0, '127.0.0.182');
    await once(early, 'listening');
    servers.push(early);
    await poolOf((await httpsListener(8469)).id, [
      { address: '127.0.0.182', port: (early.address() as { port: number }).port },
    ]);
    const other = open(8469);
    assert.equal((await h2send(other, 'POST', '/big', body)).status, 413);
    // The rest of that body would be read as the next request: its connection is not used again.
    assert.equal((await h2get(other, '/next')).status, 413);
    assert.equal(connections, 2);
  });

  test('listener stats and Prometheus count each stream by status class; the access log has a line for each, HTTP/2.0', async () => {
    const member = await rawMember('127.0.0.180', (head) =>
      head.startsWith('GET /missing') ? 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n' : ok('counted'),
    );
    servers.push(member.server);
    const listener = await httpsListener(8467);
    const pool = await poolOf(listener.id, [{ address: '127.0.0.180', port: member.port }]);
    const policy = await h.createL7Policy(lb.id, listener.id, { action: 'REJECT', position: 1 });
    await h.createRule(lb.id, policy.id, { type: 'PATH', compare_type: 'STARTS_WITH', value: '/denied' });
    await h.createListener(lb.id, { protocol: 'PROMETHEUS', protocol_port: 9467 });
    await h.waitActive(lb.id);
    const session = open(8467);
    for (const path of ['/a', '/b', '/missing', '/denied']) await h2get(session, path);
    const stats = await h.listenerStats(listener.id, (counted) => counted.total_requests === 4);
    assert.equal(stats.total_requests, 4);
    assert.equal(stats.request_errors, 0);
    const families = parsePrometheusText(await (await fetch(`http://${lb.vip_address}:9467/metrics`)).text());
    const value = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(families, name, { listener: listener.id, ...labels });
    assert.deepEqual(
      ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'].map((code) =>
        value('octavia_listener_http_responses_total', { code }),
      ),
      [0, 2, 0, 2, 0, 0],
    );
    assert.equal(value('octavia_listener_requests_denied_total'), 1);
    // The members' answers, not weir's own.
    assert.equal(value('weir_listener_request_duration_seconds_count'), 3);
    let records: Json[] = [];
    for (let i = 0; i < 50 && records.length < 4; i++) {
      records = readFileSync(logPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Json)
        .filter((record) => record.listenerId === listener.id);
      await sleep(50);
    }
    assert.deepEqual(
      records.map((r) => [r.method, r.path, r.httpVersion, r.status, r.poolId]),
      [
        ['GET', '/a', '2.0', 200, pool.id],
        ['GET', '/b', '2.0', 200, pool.id],
        ['GET', '/missing', '2.0', 404, pool.id],
        ['GET', '/denied', '2.0', 403, pool.id],
      ],
    );
    assert.deepEqual(
      records.map((r) => typeof r.memberId),
      ['string', 'string', 'string', 'object'],
    );
  });
});
