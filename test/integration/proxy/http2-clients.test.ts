/**
 * HTTP/2 to clients of TERMINATED_HTTPS listeners, set up through the API and carried by the proxy's worker process:
 * streams become HTTP/1.1 requests to members with the same forwarding headers, bodies both ways, L7 answers and
 * member failures per stream, and ALPN deciding who speaks HTTP/2.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type ClientHttp2Session, connect } from 'node:http2';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Harness, type Json } from '../api/harness.ts';

const run = promisify(execFile);

/** One request on an HTTP/2 session: status and body. */
async function h2request(
  session: ClientHttp2Session,
  path: string,
  options: { method?: string; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  // Node's client ends a GET's stream with its HEADERS unless told there is a body.
  const stream = session.request(
    { ':method': options.method ?? 'GET', ':path': path, ...options.headers },
    { endStream: options.body === undefined },
  );
  stream.end(options.body);
  const [headers] = (await once(stream, 'response')) as [Record<string, string | number>];
  let body = '';
  for await (const chunk of stream) body += chunk;
  return { status: Number(headers[':status']), body };
}

const BIG = 64 * 1024 * 1024;
/** What the member wrote of its /big answer, and whether its socket pushed back. */
const big = { written: 0, blocked: false };

/** 64 MiB in 64 KiB writes, each after the last was taken: `blocked` once the socket holds back. */
function sendBig(response: ServerResponse): void {
  response.writeHead(200, { 'content-length': BIG });
  const chunk = Buffer.alloc(65_536, 0x62);
  const more = () => {
    while (big.written < BIG) {
      big.written += chunk.length;
      if (!response.write(chunk)) {
        big.blocked = true;
        response.once('drain', more);
        return;
      }
    }
    response.end();
  };
  more();
}

/** Requests the member was sent. */
const seenBy = { count: 0 };

describe('HTTP/2 clients of TERMINATED_HTTPS listeners', () => {
  let h: Harness;
  let member: Server;
  let lb: Json;
  let sessions: ClientHttp2Session[] = [];
  const open = (port: number) => {
    const session = connect(`https://${lb.vip_address}:${port}`, { rejectUnauthorized: false });
    sessions.push(session);
    return session;
  };

  before(async () => {
    h = await Harness.start();
    // Takes heads far larger than weir passes on, so that what weir refuses is seen to be weir's doing.
    member = createServer({ maxHeaderSize: 256 * 1024 }, (request, response) => {
      seenBy.count++;
      if (request.url === '/big') return sendBig(response);
      if (request.url === '/cookies') {
        const cookies = request.rawHeaders.filter((_, i, raw) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'cookie');
        return response.end(JSON.stringify(cookies));
      }
      let length = 0;
      request.on('data', (chunk: Buffer) => {
        length += chunk.length;
      });
      request.on('end', () => {
        const seen = [
          request.httpVersion,
          request.method,
          request.url,
          request.headers.host,
          request.headers['x-forwarded-for'],
          request.headers['x-forwarded-proto'],
          length,
        ];
        response.end(seen.join(' '));
      });
    });
    member.listen(0, '127.0.0.1');
    await once(member, 'listening');
    lb = await h.createLb({ provider: 'proxy' });
    const listener = await h.createListener(lb.id, {
      protocol: 'TERMINATED_HTTPS',
      protocol_port: 8443,
      default_tls_container_ref: await h.storeCertificate('www.example.test'),
      insert_headers: { 'X-Forwarded-For': 'true', 'X-Forwarded-Proto': 'true' },
    });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP' });
    await h.createMember(lb.id, pool.id, {
      address: '127.0.0.1',
      protocol_port: (member.address() as { port: number }).port,
    });
    await h.createL7Policy(lb.id, listener.id, { action: 'REJECT', position: 1 }).then((policy) =>
      h.post(`l7policies/${policy.id}/rules`, {
        rule: { type: 'PATH', compare_type: 'STARTS_WITH', value: '/private' },
      }),
    );
    await h.waitActive(lb.id);
  });

  after(async () => {
    for (const session of sessions) session.destroy();
    sessions = [];
    await h.close();
    member.close();
  });

  test('concurrent streams on one connection reach the member as HTTP/1.1 with the forwarding headers', async () => {
    const session = open(8443);
    await once(session, 'connect');
    assert.equal(session.alpnProtocol, 'h2');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => h2request(session, `/item/${i}?q=1`)));
    for (const [i, answer] of answers.entries()) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body, `1.1 GET /item/${i}?q=1 ${lb.vip_address}:8443 127.0.0.1 https 0`);
    }
    const posted = await h2request(session, '/upload', { method: 'POST', body: Buffer.alloc(200_000, 0x61) });
    assert.equal(posted.body, `1.1 POST /upload ${lb.vip_address}:8443 127.0.0.1 https 200000`);
  });

  test('cookie fields sent one per cookie reach the member as one Cookie field, joined with "; "', async () => {
    const session = open(8443);
    const stream = session.request({ ':path': '/cookies', cookie: ['a=1', 'b=2; c=3', 'd=4'] });
    stream.end();
    let body = '';
    for await (const chunk of stream) body += chunk;
    assert.deepEqual(JSON.parse(body), ['a=1; b=2; c=3; d=4']);
    assert.deepEqual(JSON.parse((await h2request(session, '/cookies')).body), []);
  });

  test('a body without Content-Length goes chunked; a GET with a body is refused on its stream alone', async () => {
    const session = open(8443);
    const stream = session.request({ ':method': 'POST', ':path': '/chunks' });
    stream.write('first ');
    stream.end('second');
    const [headers] = (await once(stream, 'response')) as [Record<string, string | number>];
    let body = '';
    for await (const chunk of stream) body += chunk;
    assert.equal(headers[':status'], 200);
    assert.equal(body, `1.1 POST /chunks ${lb.vip_address}:8443 127.0.0.1 https 12`);
    const refused = await h2request(session, '/', { method: 'GET', body: Buffer.from('a body') });
    assert.equal(refused.status, 400);
    assert.equal((await h2request(session, '/')).status, 200);
  });

  test('a client that stops reading holds the member back (flow control), then gets the whole answer', async () => {
    const session = open(8443);
    const stream = session.request({ ':path': '/big' });
    stream.pause();
    await once(stream, 'response');
    for (let i = 0; i < 200 && !big.blocked; i++) await sleep(25);
    assert.ok(big.blocked, 'the member was never held back');
    await sleep(200);
    assert.ok(big.written < 16 * 1024 * 1024, `the member wrote ${big.written} bytes to a client that read none`);
    let received = 0;
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    stream.resume();
    await once(stream, 'end');
    assert.equal(received, BIG);
  });

  test('a header list over 16 KiB, what HAProxy buffers, is refused on its stream and never reaches the member', async () => {
    const session = open(8443);
    const before = seenBy.count;
    const stream = session.request({ ':path': '/public', 'x-padding': 'a'.repeat(20_000) });
    stream.end();
    const outcome = await new Promise<string>((resolve) => {
      stream.on('response', (headers) => resolve(String(headers[':status'])));
      stream.on('error', (error: Error) => resolve(error.message));
      stream.on('close', () => resolve(`closed, code ${stream.rstCode}`));
    });
    assert.notEqual(outcome, '200');
    assert.equal(seenBy.count, before, 'the member got no request');
    assert.equal((await h2request(open(8443), '/public', { headers: { 'x-padding': 'a'.repeat(8_000) } })).status, 200);
  });

  test('an L7 REJECT answers one stream with 403 and the connection goes on', async () => {
    const session = open(8443);
    const rejected = await h2request(session, '/private/x');
    assert.equal(rejected.status, 403);
    const next = await h2request(session, '/public');
    assert.equal(next.status, 200);
  });

  test('curl and h2load speak HTTP/2 through it', async () => {
    const { stdout } = await run('curl', [
      ...['-sk', '--http2', '-o', '/dev/null', '-w', '%{http_version} %{http_code}'],
      `https://${lb.vip_address}:8443/`,
    ]);
    assert.equal(stdout, '2 200');
    const h2load = await run('h2load', ['-n', '200', '-c', '4', '-m', '10', `https://${lb.vip_address}:8443/`]);
    assert.match(h2load.stdout, /Application protocol: h2/);
    assert.match(h2load.stdout, /requests: 200 total, 200 started, 200 done, 200 succeeded, 0 failed/);
  });

  test('a member that cannot be reached is a 503 on the stream; a listener without h2 refuses an h2-only client', async () => {
    const listener = await h.createListener(lb.id, {
      protocol: 'TERMINATED_HTTPS',
      protocol_port: 8444,
      default_tls_container_ref: await h.storeCertificate('www.example.test'),
      alpn_protocols: ['http/1.1'],
    });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP' });
    await h.createMember(lb.id, pool.id, { address: '127.0.0.1', protocol_port: 1 });
    const refused = open(8444);
    const [error] = (await once(refused, 'error')) as [Error];
    assert.match(String(error), /no application protocol|ALPN|NO_APPLICATION_PROTOCOL/i);

    await h.req('PUT', `listeners/${listener.id}`, { listener: { alpn_protocols: ['h2', 'http/1.1'] } });
    await h.waitActive(lb.id);
    const session = open(8444);
    const first = await h2request(session, '/');
    assert.equal(first.status, 502);
    const then = await h2request(session, '/');
    assert.equal(then.status, 503);
  });
});
