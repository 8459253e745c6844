/**
 * Request smuggling and slow clients against a real node:http server set up as the proxy's listeners are: strict
 * parser, Host required, a header deadline that is checked often, and the request guard in the handler. Raw sockets
 * send each vector; every one must get a 400 and a closed connection, and no body may ever arrive as a request.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { followsRefusal, refuseRequest } from '../../src/protocols/http/refusal.ts';
import { requestProblem } from '../../src/protocols/http/request-guard.ts';
import { CHUNKED_SMUGGLED, HOST, post, SMUGGLED, vectors } from '../support/smuggling-vectors.ts';

const HEADERS_TIMEOUT_MS = 500;
const CHECK_INTERVAL_MS = 100;
/** How long any exchange may take before the test gives up on the server closing the connection. */
const EXCHANGE_LIMIT_MS = 3_000;

/** Every request the handler is given, refused or not, as `METHOD target`. */
let reached: string[] = [];
/** The requests that would have gone on to a member. */
let passed: string[] = [];
/** Passed requests whose body broke off: a proxy streaming it aborts the member's request, which never completes. */
let brokenBodies: string[] = [];
let server: Server;
let port: number;

before(async () => {
  server = createServer(
    {
      requireHostHeader: true,
      insecureHTTPParser: false,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: 10_000,
      connectionsCheckingInterval: CHECK_INTERVAL_MS,
    },
    (request, response) => {
      reached.push(`${request.method} ${request.url}`);
      if (followsRefusal(request)) return;
      const problem = requestProblem(request);
      if (problem !== null) {
        refuseRequest(request, response, problem);
        return;
      }
      passed.push(`${request.method} ${request.url}`);
      readBody(request).then(
        (body) => response.end(`got ${body.length} bytes`),
        () => brokenBodies.push(`${request.method} ${request.url}`),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  reached = [];
  passed = [];
  brokenBodies = [];
});

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Exchange {
  response: string;
  /** The server ended the connection (the client never does). */
  closed: boolean;
  elapsedMs: number;
}

/**
 * Writes `parts` to a fresh connection, `gapMs` apart, and reads until the server closes it or the limit passes.
 * The client never ends its side, so a close is the server's doing.
 */
function exchange(parts: string[], gapMs = 0, limitMs = EXCHANGE_LIMIT_MS): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(limit);
      clearTimeout(timer);
      socket.destroy();
      resolve({ response, closed, elapsedMs: performance.now() - started });
    };
    const limit = setTimeout(() => finish(false), limitMs);
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      response += data;
    });
    socket.on('end', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A server that closes while we still write may reset the connection: that is a close too.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(true);
      else reject(error);
    });
    let next = 0;
    const writeNext = () => {
      if (socket.destroyed || next === parts.length) return;
      socket.write(parts[next++]!, 'latin1');
      timer = setTimeout(writeNext, gapMs);
    };
    socket.on('connect', writeNext);
  });
}

async function waitUntil(condition: () => boolean, limitMs = 1_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('smuggling vectors get 400 and a closed connection, and nothing reaches a member', () => {
  for (const [name, bytes, refusedBy] of vectors) {
    test(`${name} (refused by the ${refusedBy})`, async () => {
      const { response, closed } = await exchange([bytes]);
      // The server may see the body break off just after the client sees the close.
      if (refusedBy === 'parser in the body') await waitUntil(() => brokenBodies.length > 0);
      assert.match(response, /^HTTP\/1\.1 400 /, `response: ${JSON.stringify(response)}`);
      assert.equal(response.split('HTTP/1.1 ').length - 1, 1, 'exactly one response');
      assert.ok(closed, 'the server closed the connection');
      const expected = {
        parser: { reached: [], passed: [], brokenBodies: [] },
        guard: { reached: [reached[0]], passed: [], brokenBodies: [] },
        'parser in the body': { reached: ['POST /'], passed: ['POST /'], brokenBodies: ['POST /'] },
      }[refusedBy];
      assert.deepEqual({ reached, passed, brokenBodies }, expected);
    });
  }
});

test('well-framed requests pass, one request each', async () => {
  const get = await exchange([`GET / HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`]);
  assert.match(get.response, /^HTTP\/1\.1 200 .*got 0 bytes$/s);
  const chunked = await exchange([`${post('Transfer-Encoding: chunked', 'Connection: close')}${CHUNKED_SMUGGLED}`]);
  assert.match(chunked.response, new RegExp(`^HTTP/1\\.1 200 .*got ${SMUGGLED.length} bytes$`, 's'));
  const absolute = await exchange([`GET http://APP.example:80/x HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`]);
  assert.match(absolute.response, /^HTTP\/1\.1 200 /);
  assert.deepEqual(passed, ['GET /', 'POST /', 'GET http://APP.example:80/x']);
});

test('a vector pipelined behind a good request: the good one is served, then 400 and close', async () => {
  const good = `GET /first HTTP/1.1\r\n${HOST}\r\n`;
  const vector = `GET / HTTP/1.1\r\n${HOST}Content-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`;
  const { response, closed } = await exchange([good + vector]);
  assert.match(response, /^HTTP\/1\.1 200 .*HTTP\/1\.1 400 /s);
  assert.ok(closed);
  assert.deepEqual(passed, ['GET /first']);
});

test('requests pipelined behind a refused one never reach a member', async () => {
  const vector = `GET / HTTP/1.1\r\n${HOST}Host: internal.example\r\n\r\n`;
  const { response, closed } = await exchange([vector + SMUGGLED + SMUGGLED]);
  assert.match(response, /^HTTP\/1\.1 400 /);
  assert.equal(response.split('HTTP/1.1 ').length - 1, 1);
  assert.ok(closed);
  // Node hands them to the handler all the same; followsRefusal is what stops them.
  assert.deepEqual(passed, []);
});

test('a client sending its headers slowly is cut off at the header deadline', async () => {
  const lines = Array.from({ length: 50 }, (_, i) => `X-Slow-${i}: ${i}\r\n`);
  const { closed, elapsedMs, response } = await exchange([`GET / HTTP/1.1\r\n${HOST}`, ...lines], 100);
  assert.ok(closed, 'the server closed the connection');
  assert.ok(elapsedMs >= HEADERS_TIMEOUT_MS - 50, `cut off after ${elapsedMs} ms, before the deadline`);
  // The deadline is only looked at every check interval; beyond that, a bounded margin for a busy machine.
  const bound = HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + 500;
  assert.ok(elapsedMs <= bound, `cut off after ${elapsedMs} ms, later than ${bound} ms`);
  assert.match(response, /^HTTP\/1\.1 408 /);
  assert.deepEqual(reached, []);
});
