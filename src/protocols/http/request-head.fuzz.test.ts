// Property tests of the request head parser with a seeded generator of our own: random and mutated heads never make
// it throw; on mutated well-formed requests it agrees with Node's own parser (llhttp, strict, driven in-process) on
// what is valid, refusing more only where the differences listed below allow; and the verdict never depends on how
// the bytes were split. Each test is bounded in cases and time (WEIR_FUZZ_CASES for longer runs); a failure prints
// the seed (replay with WEIR_FUZZ_SEED=<seed>).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type NodeRequestHead, parseWithNode } from '../../../test/support/node-request-parser.ts';
import { plainVerdict } from '../../../test/support/plain-head.ts';
import { FUZZ_TEST_TIMEOUT_MS, forCases, type SeededRandom } from '../../../test/support/seeded-random.ts';
import type { HeadLimits } from './head-field.ts';
import { requestProblem } from './request-guard.ts';
import { parseRequestHead, type RequestHead, type RequestHeadResult } from './request-head.ts';

const LIMITS: HeadLimits = { maxHeadBytes: 4096, maxHeaders: 64 };
const STATUSES = new Set([400, 431, 501, 505]);

// --- Generating requests ---------------------------------------------------------------------------------------

const HOSTS = ['app.example', 'App.Example:8080', '[2001:db8::1]', '10.0.0.1:80', 'a', ''];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'];
const PATH_CHARS = 'abcXYZ019-._~!$&\'()*+,;=:@/?%#[]{}|\\^`"<>';
/** Bytes a value may hold, control characters aside: HTAB, visible ASCII, Latin-1. */
const VALUE_CHARS = `\tabc XYZ 019,;="'()/\\{}@:\u0080\u00a0\u00e9\u00ff`;

const spelt = (random: SeededRandom, name: string) =>
  random.int(0, 3) === 0 ? name.toLowerCase() : random.int(0, 5) === 0 ? name.toUpperCase() : name;
const ows = (random: SeededRandom) => random.pick(['', ' ', ' ', ' ', '  ', '\t', ' \t']);
const text = (random: SeededRandom, chars: string, max: number) =>
  Array.from({ length: random.int(0, max) }, () => chars[random.int(0, chars.length - 1)]).join('');

function target(random: SeededRandom, method: string, host: string): string {
  if (method === 'CONNECT') return random.pick([host === '' ? 'app.example:443' : `${host}:443`, '[::1]:8443']);
  if (method === 'OPTIONS' && random.bool()) return '*';
  switch (random.int(0, 5)) {
    case 0:
      return `${random.pick(['http', 'https', 'HTTP'])}://${host}/${text(random, PATH_CHARS, 8)}`;
    case 1:
      return `http://other.example${random.pick(['', '/', '?q'])}`;
    default:
      return `/${text(random, PATH_CHARS, 20)}`;
  }
}

/** An optional field a request of this method and version might have. */
function optionalField(random: SeededRandom, method: string, version: string): string {
  switch (random.int(0, 9)) {
    case 0:
      return `${spelt(random, 'Connection')}:${ows(random)}${random.pick(['keep-alive', 'close', 'Upgrade', 'upgrade, keep-alive', 'x-a, close', 'X-B'])}`;
    case 1:
      return `${spelt(random, 'Upgrade')}: ${random.pick(['websocket', 'h2c', ''])}`;
    case 2:
      return `${spelt(random, 'Expect')}: 100-continue`;
    case 3:
      return method === 'POST' || method === 'PUT' ? `Content-Length: ${random.int(0, 99999)}` : 'Accept: */*';
    case 4:
      return version === '1.1' && method === 'POST' ? `${spelt(random, 'Transfer-Encoding')}: chunked` : 'Via: 1.1 a';
    case 5:
      return `User-Agent: weir-fuzz/${random.int(1, 9)}`;
    case 6:
      return `Cookie: a=${text(random, 'abc019', 10)}; b=c`;
    default:
      return `X-${text(random, 'abcXYZ-_019!#$%&*+.^`|~', 12) || 'A'}:${ows(random)}${text(random, VALUE_CHARS, 30).trim()}${ows(random)}`;
  }
}

/** A request head Node and request-guard both accept, most of the time. */
function wellFormed(random: SeededRandom): string {
  const method = random.pick(METHODS);
  const version = random.int(0, 5) === 0 ? '1.0' : '1.1';
  const host = random.pick(HOSTS);
  const fields = Array.from({ length: random.int(0, 8) }, () => optionalField(random, method, version));
  if (version === '1.1' || random.bool()) {
    fields.splice(random.int(0, fields.length), 0, `${spelt(random, 'Host')}:${ows(random)}${host}${ows(random)}`);
  }
  const empty = random.int(0, 9) === 0 ? '\r\n' : '';
  return `${empty}${method} ${target(random, method, host)} HTTP/${version}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;
}

const INTERESTING_BYTES = [
  0x20, 0x09, 0x0d, 0x0a, 0x3a, 0x2c, 0x00, 0x7f, 0x80, 0xff, 0x22, 0x2f, 0x3b, 0x3d, 0x40, 0x5b, 0x2a, 0x41, 0x61,
  0x30, 0x2d,
];
const INSERTED_LINES = [
  'Content-Length: 5',
  'Content-Length: 0',
  'Content-Length: +5',
  'Content-Length: 5, 5',
  'Content-Length: 99999999999999999',
  'Content-Length : 5',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked',
  'Transfer-Encoding: chunked, identity',
  'Transfer-Encoding: "chunked"',
  'Host: other.example',
  'Host: app.example',
  ' folded',
  '\tfolded: x',
  'Connection: close',
  'Connection: keep-alive, Upgrade',
  'Upgrade: websocket',
  'X A: b',
  'X-A:',
  ': empty',
];

/** Well-formed head bytes changed in 1 to 4 places: bytes replaced, inserted or removed, lines added or copied. */
function mutated(random: SeededRandom): Buffer {
  let head = wellFormed(random);
  const lineStarts = () => [...head.matchAll(/\r\n/g)].map((match) => match.index + 2).slice(0, -1);
  for (let changes = random.int(1, 4); changes > 0; changes--) {
    const at = random.int(0, head.length - 1);
    const byte = random.int(0, 2) === 0 ? random.int(0, 255) : random.pick(INTERESTING_BYTES);
    switch (random.int(0, 5)) {
      case 0:
        head = head.slice(0, at) + String.fromCharCode(byte) + head.slice(at + 1);
        break;
      case 1:
        head = head.slice(0, at) + String.fromCharCode(byte) + head.slice(at);
        break;
      case 2:
        head = head.slice(0, at) + head.slice(at + random.int(1, 3));
        break;
      case 3: {
        const lineAt = random.pick(lineStarts());
        head = `${head.slice(0, lineAt)}${random.pick(INSERTED_LINES)}\r\n${head.slice(lineAt)}`;
        break;
      }
      case 4: {
        const starts = lineStarts();
        const line = random.int(0, starts.length - 1);
        const copied = head.slice(starts[line], head.indexOf('\r\n', starts[line]!) + 2);
        const lineAt = random.pick(starts);
        head = head.slice(0, lineAt) + copied + head.slice(lineAt);
        break;
      }
      default: {
        const code = head.charCodeAt(at);
        head = head.slice(0, at) + String.fromCharCode(code ^ 0x20) + head.slice(at + 1);
      }
    }
  }
  return Buffer.from(head, 'latin1');
}

// --- What the parser's answer must look like --------------------------------------------------------------------

/** The answer's shape, and for a head, that its field ranges tile the bytes between request line and blank line. */
function assertWellShaped(bytes: Buffer, offset: number, limits: HeadLimits, result: RequestHeadResult): void {
  if (result.kind === 'incomplete') return;
  if (result.kind === 'refused') {
    assert.ok(STATUSES.has(result.status) && result.reason.length > 0, JSON.stringify(result));
    return;
  }
  const { head } = result;
  assert.ok(head.end <= bytes.length && head.end - offset <= limits.maxHeadBytes);
  assert.equal(bytes.toString('latin1', head.end - 4, head.end), '\r\n\r\n');
  assert.ok(head.fields.length <= limits.maxHeaders);
  let lineStart = bytes.indexOf('\r\n', head.start) + 2;
  for (const field of head.fields) {
    assert.equal(field.start, lineStart);
    const line = bytes.toString('latin1', field.start, field.end);
    assert.ok(line.toLowerCase().startsWith(`${field.name}:`) && line.endsWith('\r\n'), line);
    lineStart = field.end;
  }
  assert.equal(lineStart, head.end - 2);
}

// --- Node as the reference --------------------------------------------------------------------------------------

const fieldValues = (node: NodeRequestHead, name: string): string[] =>
  node.rawHeaders.filter((_, i) => i % 2 === 1 && node.rawHeaders[i - 1]!.toLowerCase() === name);
const fieldValue = (node: NodeRequestHead, name: string): string | undefined => fieldValues(node, name)[0];

/**
 * request-guard's verdict on what Node parsed. CONNECT never reaches it (Node's server hands CONNECT to a `connect`
 * listener), so its authority-form target is not held against it; the other rules are.
 */
const guardProblem = (node: NodeRequestHead): string | null =>
  requestProblem({ ...node, url: node.method === 'CONNECT' ? '/' : node.url });

/** What Node's server adds to its parser with requireHostHeader (as http-listener.ts sets it). */
const missesHost = (node: NodeRequestHead) => node.httpVersion === '1.1' && fieldValue(node, 'host') === undefined;

/** Request lines with the empty lines before them. */
const requestLine = (bytes: Buffer) => /^[\r\n]*([^\r\n]*)/.exec(bytes.toString('latin1'))![1]!;

/**
 * Where weir may refuse what Node's parser accepts, each with why. Nothing is allowed the other way: whatever weir
 * accepts, Node's parser accepts alike.
 */
const ALLOWED_REFUSALS: [string, (bytes: Buffer, node: NodeRequestHead) => boolean][] = [
  ['request-guard refuses it', (_, node) => guardProblem(node) !== null],
  // RFC 9112 §3: a request line has one SP between its parts; llhttp takes any number.
  ['more than one space in the request line', (bytes) => requestLine(bytes).includes('  ')],
  // RFC 9112 §2.2 lets a server ignore empty lines before the request line; weir takes only CRLF as a line end.
  ['a bare CR or LF before the request line', (bytes) => /^(?:\r\n)*(?:\r(?!\n)|\n)/.test(bytes.toString('latin1'))],
  // RFC 9112 §3.2.3: CONNECT takes authority-form alone; llhttp takes any target.
  [
    'CONNECT to something else than host:port',
    (_, node) => node.method === 'CONNECT' && !/^(?:\[[0-9A-Fa-f:.]+\]|[\w\-.~%!$&'()*+;=]+):[0-9]+$/.test(node.url),
  ],
  // A length a JavaScript number holds exactly; llhttp takes up to 2^64 - 1.
  [
    'Content-Length beyond 2^53 - 1',
    (_, node) => Number(fieldValue(node, 'content-length') ?? 0) > Number.MAX_SAFE_INTEGER,
  ],
];

/** The body Node's parser would read, from the fields it gives. */
function nodeBody(node: NodeRequestHead): RequestHead['body'] {
  if (fieldValue(node, 'transfer-encoding') !== undefined) return { kind: 'chunked' };
  const length = Number(fieldValue(node, 'content-length') ?? 0);
  return length > 0 ? { kind: 'length', length } : { kind: 'none' };
}

/** Both accepted: the same request, fields and facts. */
function assertSameHead(bytes: Buffer, ours: RequestHead, node: NodeRequestHead): void {
  assert.equal(guardProblem(node), null, 'weir accepts what request-guard refuses');
  assert.ok(!missesHost(node), 'weir accepts HTTP/1.1 without Host');
  assert.deepEqual(
    [ours.method, ours.target, ours.version, ours.end],
    [node.method, node.url, node.httpVersion, node.end],
  );
  const names = node.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
  const values = node.rawHeaders.filter((_, i) => i % 2 === 1);
  assert.deepEqual(
    ours.fields.map((f) => [f.name, f.value]),
    names.map((name, i) => [name, values[i]]),
  );
  assert.equal(ours.host, fieldValue(node, 'host') ?? null);
  assert.deepEqual(ours.body, nodeBody(node));
  const http11 = ours.version === '1.1';
  const options = new Set(
    fieldValues(node, 'connection')
      .flatMap((value) => value.toLowerCase().split(','))
      .map((option) => option.replace(/^[ \t]+|[ \t]+$/g, ''))
      .filter((option) => option !== ''),
  );
  assert.deepEqual(new Set(ours.connectionOptions), options);
  const upgradeField = fieldValues(node, 'upgrade').some((value) => value !== '');
  // llhttp takes only SP around a Connection option, RFC 9110 §5.6.1 SP and HTAB: where a Connection line holds
  // HTAB, weir is held to the RFC's reading of the options instead of llhttp's.
  const tabbed = ours.fields.some((f) => f.name === 'connection' && bytes.subarray(f.start, f.end).includes(0x09));
  const rfcKeepAlive = !options.has('close') && (http11 || options.has('keep-alive'));
  // llhttp keeps HTTP/1.0 alive when Connection lists both keep-alive and close; weir closes.
  const llhttpKeepAlive = node.shouldKeepAlive && !options.has('close');
  assert.equal(ours.keepAlive, tabbed ? rfcKeepAlive : llhttpKeepAlive, 'keepAlive');
  // CONNECT is always an upgrade to llhttp; RFC 9110 §7.8: Upgrade in HTTP/1.0 is ignored.
  if (ours.method !== 'CONNECT') {
    const expected = tabbed ? options.has('upgrade') && upgradeField : node.upgrade;
    assert.equal(ours.upgrade, expected && http11, 'upgrade');
  }
}

// --- The properties ---------------------------------------------------------------------------------------------

test('random bytes and mutated heads never make the parser throw, and its answers are well shaped', {
  timeout: FUZZ_TEST_TIMEOUT_MS,
}, () => {
  const starts = ['', 'GET / HTTP/1.1\r\n', 'POST /x HTTP/1.1\r\nHost: a\r\n', '\r\n'];
  forCases('random heads', (random) => {
    const noise = Buffer.from(
      Array.from({ length: random.int(0, 300) }, () =>
        random.bool() ? random.pick(INTERESTING_BYTES) : random.int(0, 255),
      ),
    );
    const offset = random.int(0, 3);
    const body = random.bool() ? mutated(random) : Buffer.concat([Buffer.from(random.pick(starts)), noise]);
    const bytes = Buffer.concat([Buffer.alloc(offset, 0x0a), body]);
    const limits = { maxHeadBytes: random.int(16, 512), maxHeaders: random.int(0, 8) };
    for (const tried of [LIMITS, limits])
      assertWellShaped(bytes, offset, tried, parseRequestHead(bytes, offset, tried));
  });
});

test('on mutated well-formed requests, weir accepts what Node accepts, bar the listed differences', {
  timeout: FUZZ_TEST_TIMEOUT_MS,
}, (t) => {
  const tally = new Map<string, number>();
  const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);
  forCases('agreement with Node', (random) => {
    const bytes = random.int(0, 4) === 0 ? Buffer.from(wellFormed(random), 'latin1') : mutated(random);
    const ours = parseRequestHead(bytes, 0, LIMITS);
    const node = parseWithNode(bytes);
    const show = () => `${JSON.stringify(bytes.toString('latin1'))}: ${JSON.stringify(ours)} / ${JSON.stringify(node)}`;
    if (ours.kind === 'head') {
      assert.equal(node.kind, 'head', `weir accepts what Node does not: ${show()}`);
      try {
        if (node.kind === 'head') assertSameHead(bytes, ours.head, node.head);
      } catch (error) {
        throw new Error(`${(error as Error).message}: ${show()}`);
      }
      count('both accept');
    } else if (node.kind === 'head' && !missesHost(node.head)) {
      assert.equal(ours.kind, 'refused', `weir waits for more where Node has a head: ${show()}`);
      const allowed = ALLOWED_REFUSALS.find(([, applies]) => applies(bytes, node.head));
      assert.ok(allowed !== undefined, `weir refuses what Node accepts: ${show()}`);
      count(`weir refuses: ${allowed[0]}`);
    } else {
      count('neither accepts');
    }
  });
  t.diagnostic(JSON.stringify(Object.fromEntries(tally)));
  // The generator must give both verdicts often enough for the comparison to mean something.
  assert.ok((tally.get('both accept') ?? 0) > 200 && (tally.get('neither accepts') ?? 0) > 200);
});

test('the same bytes split at random points give the same verdict once complete', {
  timeout: FUZZ_TEST_TIMEOUT_MS,
}, () => {
  forCases('split heads', (random) => {
    const head = random.bool() ? Buffer.from(wellFormed(random), 'latin1') : mutated(random);
    const offset = random.int(0, 3);
    const bytes = Buffer.concat([Buffer.alloc(offset, 0x41), head, random.bytes(random.int(0, 20))]);
    const limits = random.bool() ? LIMITS : { maxHeadBytes: random.int(16, 256), maxHeaders: random.int(0, 6) };
    const whole = parseRequestHead(bytes, offset, limits);
    // A reader appends what each read brings and parses again, until there is a verdict.
    let verdict: RequestHeadResult = { kind: 'incomplete' };
    for (let received = offset; received < bytes.length && verdict.kind === 'incomplete'; ) {
      received = Math.min(bytes.length, received + random.int(1, 40));
      verdict = parseRequestHead(Buffer.from(bytes.subarray(0, received)), offset, limits);
    }
    assert.deepEqual(plainVerdict(verdict), plainVerdict(whole));
  });
});
