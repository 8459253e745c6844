/**
 * The HTTP fast path on real sockets: members are raw TCP servers that answer with exact bytes, clients write exact
 * bytes, so framing (lengths, chunks, close-delimited answers, interim responses), pipelining, connection reuse and
 * the hand-over to the general path are seen as they are on the wire.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Harness, type Json } from '../api/harness.ts';
import { rawMember } from './support/raw-member.ts';

/** A member that acts on each request head as soon as it has it, before any body; bodies are skipped. */
async function headMember(
  address: string,
  onHead: (head: string, socket: Socket) => void,
): Promise<{ server: Server; port: number; heads: string[] }> {
  const heads: string[] = [];
  const server = createServer((socket) => {
    socket.on('error', () => {});
    let pending = '';
    let skip = 0;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      for (;;) {
        const skipped = Math.min(skip, pending.length);
        skip -= skipped;
        pending = pending.slice(skipped);
        const end = pending.indexOf('\r\n\r\n');
        if (skip > 0 || end < 0) return;
        const head = pending.slice(0, end + 4);
        pending = pending.slice(end + 4);
        skip = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        heads.push(head.split('\r\n')[0]!);
        onHead(head, socket);
      }
    });
  });
  server.listen(0, address);
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port, heads };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `bytes` and half-closes; returns what came back until the connection closed (5 s at most). */
async function halfClosing(host: string, port: number, bytes: string): Promise<string> {
  const socket = connect(port, host);
  await once(socket, 'connect');
  let reply = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => {
    reply += chunk;
  });
  socket.end(bytes);
  await Promise.race([once(socket, 'close'), sleep(5_000)]);
  socket.destroy();
  return reply;
}

/** Writes `bytes` (in pieces, `gapMs` apart) and reads until the server closes or `until` says the reply is whole. */
async function exchange(
  host: string,
  port: number,
  pieces: (string | Buffer)[],
  until: (reply: string) => boolean,
  gapMs = 0,
): Promise<{ reply: string; closed: boolean }> {
  const socket: Socket = connect(port, host);
  await once(socket, 'connect');
  let reply = '';
  let closed = false;
  socket.setEncoding('latin1');
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no whole reply in 5 s: ${JSON.stringify(reply)}`)), 5_000);
    const check = () => {
      if (closed || until(reply)) {
        clearTimeout(timer);
        resolve();
      }
    };
    socket.on('data', (chunk: string) => {
      reply += chunk;
      check();
    });
    socket.on('close', () => {
      closed = true;
      check();
    });
  });
  for (const piece of pieces) {
    if (closed) break;
    socket.write(piece);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  await done;
  socket.destroy();
  return { reply, closed };
}

/** `size` bytes of a pattern of `path`'s own, so that bytes of one body inside another would show. */
function patternedBody(path: string, size: number): Buffer {
  const body = Buffer.allocUnsafe(size);
  const seed = createHash('sha256').update(path).digest();
  for (let i = 0; i < size; i++) body[i] = seed[i % seed.length]! ^ (i >> 5);
  return body;
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n${extra}\r\n${body}`;

describe('proxy provider: the HTTP fast path', () => {
  let h: Harness;
  let lb: Json;
  const servers: Server[] = [];

  before(async () => {
    h = await Harness.start();
    lb = await h.createLb({ provider: 'proxy' });
  });
  after(async () => {
    await h.close();
    for (const server of servers) server.close();
  });

  async function listenerTo(port: number, member: { port: number }, address: string, fields: Json = {}) {
    const listener = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: port, ...fields });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    await h.createMember(lb.id, pool.id, { address, protocol_port: member.port });
    return listener;
  }

  test('pipelined requests are answered in order over one member connection, bodies whole', async () => {
    const member = await rawMember('127.0.0.51', (head, body) => ok(`${head.split(' ')[1]}:${body}`));
    servers.push(member.server);
    await listenerTo(8101, member, '127.0.0.51');
    const request = (path: string, body = '') =>
      `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const all = request('/a', 'one') + request('/b') + request('/c', 'three');
    const { reply } = await exchange(lb.vip_address, 8101, [all], (r) => r.endsWith('/c:three'));
    assert.deepEqual(
      reply
        .split('\r\n\r\n')
        .slice(1)
        .map((part) => part.split('HTTP/1.1')[0]),
      ['/a:one', '/b:', '/c:three'],
    );
    assert.equal(member.connections(), 1, 'one member connection carried the three');
    // A body split over several writes arrives whole.
    const split = await exchange(
      lb.vip_address,
      8101,
      ['POST /d HTTP/1.1\r\nhost: x\r\ncontent-len', 'gth: 10\r\n\r\n01234', '56789'],
      (r) => r.endsWith('/d:0123456789'),
      20,
    );
    assert.match(split.reply, /\/d:0123456789$/);
    assert.equal(member.connections(), 1, 'and the next client reused it');
  });

  test('chunked, close-delimited, interim and HEAD answers are relayed with their own framing', async () => {
    const chunked = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\ntrailer: t\r\n\r\n';
    const member = await rawMember('127.0.0.52', (head) => {
      if (head.startsWith('GET /chunked')) return chunked;
      if (head.startsWith('GET /hints'))
        return `HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n${ok('after hints')}`;
      if (head.startsWith('HEAD ')) return 'HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n';
      return 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end';
    });
    servers.push(member.server);
    await listenerTo(8102, member, '127.0.0.52');
    const get = (path: string, method = 'GET') => `${method} ${path} HTTP/1.1\r\nhost: x\r\n\r\n`;
    const two = await exchange(lb.vip_address, 8102, [get('/chunked') + get('/x', 'HEAD') + get('/hints')], (r) =>
      r.endsWith('after hints'),
    );
    assert.match(two.reply, /transfer-encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\ntrailer: t\r\n\r\nHTTP/);
    assert.match(
      two.reply,
      /content-length: 1234\r\n\r\nHTTP\/1.1 103 Early Hints\r\nlink: <\/a.css>\r\n\r\nHTTP\/1.1 200/,
    );
    const closing = await exchange(lb.vip_address, 8102, [get('/close')], () => false);
    assert.ok(closing.closed, 'a close-delimited answer closes the client connection too');
    assert.match(closing.reply, /^HTTP\/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end$/);
  });

  test('what the fast path leaves alone is served by the general path: chunked requests, Expect, HTTP/1.0', async () => {
    const member = await rawMember('127.0.0.53', (head, body) => ok(`${head.split('\r\n')[0]}|${body}`));
    servers.push(member.server);
    await listenerTo(8103, member, '127.0.0.53');
    const chunkedRequest = 'POST /c HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
    const chunked = await exchange(lb.vip_address, 8103, [chunkedRequest], (r) => r.includes('|abc'));
    assert.match(chunked.reply, /POST \/c HTTP\/1.1\|abc$/);
    const old = await exchange(lb.vip_address, 8103, ['GET /old HTTP/1.0\r\n\r\n'], () => false);
    assert.match(old.reply, /GET \/old HTTP\/1.1\|$/);
    // A refusal is the general path's too: 400 and the connection closed.
    const bad = await exchange(lb.vip_address, 8103, ['GET / HTTP/1.1\r\nhost: x\r\nhost: y\r\n\r\n'], () => false);
    assert.match(bad.reply, /^HTTP\/1.1 400 /);
    assert.ok(bad.closed);
  });

  test('a pooled connection the member closed is replaced without the client noticing', async () => {
    // The member closes every connection right after its answer, as a short keep-alive timeout would.
    const member = await rawMember('127.0.0.54', () => ok('fine'));
    member.server.on('connection', (socket) => socket.on('data', () => setTimeout(() => socket.end(), 5)));
    servers.push(member.server);
    await listenerTo(8104, member, '127.0.0.54');
    for (let i = 0; i < 5; i++) {
      const { reply } = await exchange(lb.vip_address, 8104, ['GET / HTTP/1.1\r\nhost: x\r\n\r\n'], (r) =>
        r.endsWith('fine'),
      );
      assert.match(reply, /^HTTP\/1.1 200 OK/, `request ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  });

  test('a large answer arrives whole through backpressure', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 'x');
    const member = await rawMember('127.0.0.55', () =>
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${big.length}\r\n\r\n`), big]),
    );
    servers.push(member.server);
    await listenerTo(8105, member, '127.0.0.55');
    const head = 'HTTP/1.1 200 OK\r\ncontent-length: 8388608\r\n\r\n';
    const { reply } = await exchange(
      lb.vip_address,
      8105,
      ['GET /big HTTP/1.1\r\nhost: x\r\n\r\n'],
      (r) => r.length >= head.length + big.length,
    );
    assert.equal(reply.length, head.length + big.length);
  });

  test('answers relayed together keep their own bytes: bodies streaming to slow readers amid small answers', async () => {
    // Each path's body is its own pattern, so bytes of one answer inside another would show.
    const bodyOf = (path: string) =>
      patternedBody(path, path.startsWith('/big') ? 3 * 1024 * 1024 + 17 : 40 + path.length);
    const member = await rawMember('127.0.0.68', (head) => {
      const body = bodyOf(head.split(' ')[1]!);
      return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n`), body]);
    });
    servers.push(member.server);
    await listenerTo(8117, member, '127.0.0.68');
    /** The body of the answer to `path`, read in pieces `pauseMs` apart (a slow reader) or as it comes. */
    const fetchBody = async (path: string, pauseMs: number): Promise<Buffer> => {
      const socket = connect(8117, lb.vip_address);
      await once(socket, 'connect');
      socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`);
      const chunks: Buffer[] = [];
      let length = 0;
      const expected = bodyOf(path).length;
      const deadline = Date.now() + 10_000;
      for await (const chunk of socket) {
        chunks.push(chunk as Buffer);
        length += (chunk as Buffer).length;
        const whole = Buffer.concat(chunks);
        const bodyAt = whole.indexOf('\r\n\r\n') + 4;
        if (bodyAt >= 4 && whole.length - bodyAt >= expected) {
          socket.destroy();
          return whole.subarray(bodyAt);
        }
        if (Date.now() > deadline) break;
        if (pauseMs > 0) {
          socket.pause();
          await sleep(pauseMs);
          socket.resume();
        }
      }
      socket.destroy();
      throw new Error(`${path}: ${length} bytes in 10 s`);
    };
    const smalls = async (from: number) => {
      for (let i = from; i < from + 40; i++) assert.deepEqual(await fetchBody(`/small/${i}`, 0), bodyOf(`/small/${i}`));
    };
    const [one, two] = await Promise.all([fetchBody('/big/1', 2), fetchBody('/big/2', 2), smalls(0), smalls(100)]);
    assert.ok(one!.equals(bodyOf('/big/1')), 'the first large answer arrived unchanged');
    assert.ok(two!.equals(bodyOf('/big/2')), 'the second large answer arrived unchanged');
  });

  test('request bodies relayed together keep their own bytes: large uploads amid small requests', async () => {
    // Each path's body is its own pattern; the member answers with the digest of the body it got.
    const bodyOf = (path: string) =>
      patternedBody(path, path.startsWith('/big') ? 2 * 1024 * 1024 + 17 : 30 + path.length);
    const digest = (body: Buffer) => createHash('sha256').update(body).digest('hex');
    const member = await rawMember('127.0.0.69', (_head, body) => ok(digest(Buffer.from(body, 'latin1'))));
    servers.push(member.server);
    await listenerTo(8119, member, '127.0.0.69', { timeout_member_data: 10_000 });
    const upload = async (path: string) => {
      const body = bodyOf(path);
      const head = `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\n\r\n`;
      const { reply } = await exchange(lb.vip_address, 8119, [head, body], (r) => /\r\n\r\n[0-9a-f]{64}$/.test(r));
      assert.equal(reply.slice(-64), digest(body), `${path}: the member got the body sent`);
    };
    const smalls = async (from: number) => {
      for (let i = from; i < from + 40; i++) await upload(`/small/${i}`);
    };
    await Promise.all([upload('/big/1'), upload('/big/2'), smalls(0), smalls(100)]);
    assert.equal(member.heads.length, 82);
  });

  test('a head that dribbles in past the client timeout gets 408; a deleted listener closes its idle connections', async () => {
    const member = await rawMember('127.0.0.56', () => ok('fine'));
    servers.push(member.server);
    const listener = await listenerTo(8106, member, '127.0.0.56', { timeout_client_data: 400 });
    const started = Date.now();
    // A byte every 100 ms keeps the connection busy but never finishes the head.
    const pieces = [...'GET / HTTP/1.1\r\nhost: x\r\nx-slow: 0123456789'];
    const slow = await exchange(lb.vip_address, 8106, pieces, () => false, 100);
    assert.match(slow.reply, /^HTTP\/1.1 408 /);
    const took = Date.now() - started;
    assert.ok(took < 3_000, `408 after ${took} ms, the client timeout being 400 ms`);

    const idle = connect(8106, lb.vip_address);
    await once(idle, 'connect');
    idle.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    await once(idle, 'data');
    const closed = once(idle, 'close');
    idle.on('error', () => {});
    assert.equal((await h.del(`listeners/${listener.id}`)).status, 204);
    await Promise.race([
      closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the idle connection stayed open')), 5_000)),
    ]);
  });

  test('an answer before the request body is in closes the client connection: the rest of the body is no request', async () => {
    const member = await headMember('127.0.0.57', (head, socket) =>
      socket.write(head.startsWith('POST') ? 'HTTP/1.1 401 Unauthorized\r\ncontent-length: 4\r\n\r\nnope' : ok('no')),
    );
    servers.push(member.server);
    await listenerTo(8107, member, '127.0.0.57');
    const smuggled = 'GET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n';
    const head = `POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: ${smuggled.length}\r\n\r\n`;
    const { reply, closed } = await exchange(lb.vip_address, 8107, [head, smuggled], () => false, 200);
    assert.ok(closed);
    assert.match(reply, /^HTTP\/1.1 401 Unauthorized\r\ncontent-length: 4\r\nconnection: close\r\n\r\nnope$/);
    assert.deepEqual(member.heads, ['POST /upload HTTP/1.1']);
  });

  test('a large body on a new member connection arrives whole', async () => {
    const member = await rawMember('127.0.0.58', (_head, body) => ok(`got ${body.length}`));
    servers.push(member.server);
    await listenerTo(8108, member, '127.0.0.58', { timeout_member_data: 3000 });
    const body = 'b'.repeat(256 * 1024);
    const request = `POST /big HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const { reply } = await exchange(lb.vip_address, 8108, [request], (r) => r.endsWith(`got ${body.length}`));
    assert.match(reply, /^HTTP\/1.1 200 OK/);
  });

  test('only safe requests go again when a pooled connection fails; a member that closes without answering is a 502', async () => {
    const member = await headMember('127.0.0.59', (head, socket) => {
      if (head.startsWith('DELETE')) setTimeout(() => socket.resetAndDestroy(), 30);
      else if (head.startsWith('GET /quiet')) socket.end();
      else socket.write(ok('fine'));
    });
    servers.push(member.server);
    await listenerTo(8109, member, '127.0.0.59', { timeout_member_data: 10_000 });
    const warm = 'GET /warm HTTP/1.1\r\nhost: x\r\n\r\n';
    const deleted = await exchange(
      lb.vip_address,
      8109,
      [warm, 'DELETE /account/42 HTTP/1.1\r\nhost: x\r\n\r\n'],
      (r) => r.includes('502 Bad Gateway'),
      100,
    );
    assert.match(deleted.reply, /HTTP\/1.1 502 Bad Gateway/);
    assert.equal(member.heads.filter((h) => h.startsWith('DELETE')).length, 1, 'the DELETE reached the member once');
    const started = Date.now();
    const quiet = await exchange(lb.vip_address, 8109, ['GET /quiet HTTP/1.1\r\nhost: x\r\n\r\n'], () => false);
    assert.match(quiet.reply, /^HTTP\/1.1 502 /);
    assert.ok(Date.now() - started < 3_000, 'at once, not after the member timeout');
  });

  test('a client that half-closes gets every answer the fast path gives; a request for the general path ends it', async () => {
    const member = await headMember('127.0.0.60', (head, socket) => {
      setTimeout(() => socket.write(ok(head.split(' ')[1]!)), 30);
    });
    servers.push(member.server);
    await listenerTo(8110, member, '127.0.0.60');
    const reply = await halfClosing(
      lb.vip_address,
      8110,
      'GET /one HTTP/1.1\r\nhost: x\r\n\r\nGET /two HTTP/1.1\r\nhost: x\r\n\r\n',
    );
    assert.match(reply, /\r\n\r\n\/oneHTTP\/1.1 200 OK\r\ncontent-length: 4\r\n\r\n\/two$/);
    const cut = await halfClosing(
      lb.vip_address,
      8110,
      'GET /a HTTP/1.1\r\nhost: x\r\n\r\nPOST /c HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    assert.match(cut, /^HTTP\/1.1 200 OK\r\ncontent-length: 2\r\n\r\n\/a$/);
  });

  test('a retried request leaves no member connection behind, and a request with a body is not retried', async () => {
    let closedConnections = 0;
    const member = await headMember('127.0.0.61', (head, socket) => {
      // The second request on each connection finds it closed by the member, as a keep-alive timeout would.
      const served = (socket as Socket & { served?: number }).served ?? 0;
      (socket as Socket & { served?: number }).served = served + 1;
      if (served === 1) socket.end();
      else socket.write(ok(head.split(' ')[1]!));
    });
    member.server.on('connection', (socket) => socket.once('close', () => closedConnections++));
    servers.push(member.server);
    await listenerTo(8111, member, '127.0.0.61', { timeout_member_data: 10_000 });
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`;
    const retried = await exchange(lb.vip_address, 8111, [get('/1'), get('/2')], (r) => r.endsWith('/2'), 100);
    assert.match(retried.reply, /\/1HTTP\/1.1 200 OK\r\ncontent-length: 2\r\n\r\n\/2$/);
    for (let i = 0; i < 50 && closedConnections < 1; i++) await sleep(50);
    assert.ok(closedConnections >= 1, 'the connection the member ended was closed by weir too');

    const options = 'OPTIONS /o HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello';
    const started = Date.now();
    const refused = await exchange(lb.vip_address, 8111, [get('/3'), options], (r) => r.includes('502'), 100);
    assert.match(refused.reply, /HTTP\/1.1 502 /);
    assert.ok(Date.now() - started < 3_000, 'at once, not after the member timeout');
  });

  test("a member's Connection: keep-alive is relayed with its answer; its Keep-Alive and other options are not", async () => {
    const member = await rawMember('127.0.0.62', (head) => {
      if (head.startsWith('GET /plain'))
        return 'HTTP/1.1 200 OK\r\nconnection: keep-alive\r\ncontent-length: 2\r\n\r\nok';
      return 'HTTP/1.1 200 OK\r\nconnection: keep-alive, x-hop\r\nx-hop: 1\r\nkeep-alive: timeout=5\r\nx-end: 1\r\ncontent-length: 2\r\n\r\nok';
    });
    servers.push(member.server);
    await listenerTo(8112, member, '127.0.0.62');
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`;
    const { reply } = await exchange(lb.vip_address, 8112, [get('/plain') + get('/options')], (r) =>
      r.endsWith('x-end: 1\r\ncontent-length: 2\r\n\r\nok'),
    );
    assert.equal(
      reply,
      'HTTP/1.1 200 OK\r\nconnection: keep-alive\r\ncontent-length: 2\r\n\r\nok' +
        'HTTP/1.1 200 OK\r\nx-end: 1\r\ncontent-length: 2\r\n\r\nok',
    );
  });

  test('a client that pipelines requests without reading the answers is not served further ahead of its reading', async () => {
    // Answers small enough to arrive whole in one read, so no single exchange waits for the client.
    const answer = ok('a'.repeat(8 * 1024));
    const member = await rawMember('127.0.0.63', () => answer);
    servers.push(member.server);
    await listenerTo(8113, member, '127.0.0.63');
    const requests = 3_000;
    const client = connect(8113, lb.vip_address);
    await once(client, 'connect');
    client.pause();
    client.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n'.repeat(requests));
    // Until the socket buffers between weir and the client are full: a few MB, some hundreds of answers.
    let seen = -1;
    for (let i = 0; i < 40 && seen !== member.heads.length; i++) {
      seen = member.heads.length;
      await sleep(250);
    }
    assert.ok(seen > 0 && seen < requests / 2, `${seen} of ${requests} requests reached the member unread`);
    let received = 0;
    client.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    client.resume();
    for (let i = 0; i < 100 && received < requests * answer.length; i++) await sleep(100);
    client.destroy();
    assert.equal(received, requests * answer.length, 'every answer once the client reads');
    assert.equal(member.heads.length, requests);
  });

  test('listener stats count every request, on either path, in total_requests', async () => {
    const member = await rawMember('127.0.0.64', () => ok('counted'));
    servers.push(member.server);
    const listener = await listenerTo(8114, member, '127.0.0.64');
    const get = 'GET / HTTP/1.1\r\nhost: x\r\n\r\n';
    await exchange(lb.vip_address, 8114, [get.repeat(3)], (r) => r.split('counted').length === 4);
    // HTTP/1.0 is the general path's.
    await exchange(lb.vip_address, 8114, ['GET /old HTTP/1.0\r\n\r\n'], () => false);
    const stats = await h.listenerStats(listener.id, (counted) => counted.total_requests === 4);
    assert.equal(stats.total_requests, 4);
    assert.equal(stats.total_connections, 2);
    // No member to send to: the fast path hands the request over, and the general path's 503 counts it once.
    const empty = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 8118 });
    await h.createPool(lb.id, { listener_id: empty.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    const refused = await exchange(lb.vip_address, 8118, [get], (r) => r.includes('\r\n\r\n'));
    assert.match(refused.reply, /^HTTP\/1\.1 503 /);
    await h.listenerStats(empty.id, (counted) => counted.total_requests !== 0);
    await sleep(200);
    const emptyStats = (await h.get(`listeners/${empty.id}/stats`)).body.stats as Json;
    assert.equal(emptyStats.total_requests, 1);
  });

  test('a member listing Content-Length or Transfer-Encoding in Connection keeps them: the client frames as weir did', async () => {
    const member = await rawMember(
      '127.0.0.65',
      () =>
        'HTTP/1.1 200 OK\r\nconnection: transfer-encoding, x-hop\r\nx-hop: 1\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    servers.push(member.server);
    await listenerTo(8115, member, '127.0.0.65');
    const get = 'GET / HTTP/1.1\r\nhost: x\r\n\r\n';
    const { reply } = await exchange(lb.vip_address, 8115, [get + get], (r) => r.split('hello').length === 3);
    const answer = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
    assert.equal(reply, answer + answer);
  });

  test('a body still arriving when its listener is deleted reaches the member whole, and its answer the client', async () => {
    const member = await rawMember('127.0.0.66', (_head, body) => ok(`got ${body.length}`));
    servers.push(member.server);
    const listener = await listenerTo(8116, member, '127.0.0.66', { timeout_member_data: 10_000 });
    const client = connect(8116, lb.vip_address);
    await once(client, 'connect');
    let reply = '';
    client.setEncoding('latin1').on('data', (chunk: string) => {
      reply += chunk;
    });
    client.write(`POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 20000\r\n\r\n${'a'.repeat(5000)}`);
    await sleep(200);
    assert.equal((await h.del(`listeners/${listener.id}`)).status, 204);
    await sleep(200);
    client.write('b'.repeat(15_000));
    for (let i = 0; i < 50 && !reply.endsWith('got 20000'); i++) await sleep(100);
    client.destroy();
    assert.match(reply, /^HTTP\/1.1 200 OK\r\n[\s\S]*got 20000$/);
  });
});
