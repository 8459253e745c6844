// Property tests of response framing, with the seeded generator of test/support (replay with WEIR_FUZZ_SEED=<seed>):
// valid chunked bodies end exactly at their last byte however they are split; damaged bodies and heads are refused
// or waited on, never thrown on, and never framed past the bytes given; and Node's own parser (llhttp, driven
// in-process in response mode) agrees on what is valid and where each message ends, except where weir is stricter
// for a reason listed below.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LlhttpResponse } from '../../../test/support/llhttp-response.ts';
import { chunkedBody, mutate, responseHead, trailingBytes } from '../../../test/support/random-http.ts';
import { forCases, type SeededRandom } from '../../../test/support/seeded-random.ts';
import type { BodyFraming } from './body-framing.ts';
import { ChunkedBody } from './chunked-body.ts';
import { parseResponseHead, type ResponseHead } from './response-head.ts';

const LIMITS = { maxHeadBytes: 16384, maxHeaders: 100 };
const METHODS = ['GET', 'GET', 'POST', 'HEAD', 'CONNECT'];
const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

/**
 * What weir refuses and llhttp accepts, each with why weir is right to: any other disagreement fails the test.
 * Matched against weir's reason.
 */
const STRICTER_THAN_LLHTTP: readonly [RegExp, string][] = [
  [/does not start with HTTP\/1\./, 'llhttp takes HTTP/0.9 and HTTP/2.0 status lines: no HTTP/1 response'],
  [/outside 100-599/, 'llhttp takes any three digits as a status'],
  [/status line holds a stray byte/, 'llhttp lets control characters through in the reason phrase'],
  [/a tab after the (Content-Length|Transfer-Encoding) value/, 'llhttp reads `chunked<HTAB>` as another coding'],
  [/Transfer-Encoding in an HTTP\/1.0 response/, 'RFC 9112 §6.1: the framing of such a message is faulty'],
  [/Transfer-Encoding: the list has an empty element/, 'llhttp reads "chunked ," as another coding than chunked'],
  [/Transfer-Encoding: a list element is not a token/, 'a coding with parameters or quotes is no coding to relay'],
  [/chunked is not the final transfer coding/, 'llhttp reads such a response until close; a proxy refuses it'],
  [/Connection: a list element is not a token/, 'llhttp skips what it does not know in Connection'],
  [
    /chunk extension has no name|chunk extension value is (neither a token|not a token)/,
    'llhttp takes empty extension names and values (`;;a`, `;=b`, `;a=`) and quotes in a token value',
  ],
  [/Content-Length is larger than 2\^53 - 1/, 'llhttp takes lengths up to 2^64 - 1'],
  [/chunk size is too large/, 'llhttp takes chunk sizes up to 2^64'],
  [/chunk-size line is too long/, 'weir bounds chunk extensions at 4 KiB a line'],
  [/trailer section is too large/, 'weir bounds trailers at 16 KiB'],
];

type Verdict = { kind: 'complete'; end: number } | { kind: 'invalid'; problem: string } | { kind: 'more' };

/** Feeds `bytes` to the framing in random pieces, checking what each feed answers. */
function frameInPieces(random: SeededRandom, framing: BodyFraming, bytes: Buffer): Verdict {
  let at = 0;
  while (at < bytes.length) {
    const end = Math.min(bytes.length, at + random.int(1, random.bool() ? 8 : 600));
    const taken = framing.feed(bytes, at, end);
    if (taken === -1) {
      assert.equal(framing.feed(bytes, at, end), -1, 'refused once, refused again');
      return { kind: 'invalid', problem: framing.problem ?? '' };
    }
    assert.ok(taken >= 0 && taken <= end - at, `took ${taken} of ${end - at}`);
    at += taken;
    if (framing.complete) {
      assert.equal(framing.feed(bytes, at), 0, 'nothing taken once complete');
      return { kind: 'complete', end: at };
    }
    assert.equal(at, end, 'an unfinished body takes every byte given');
  }
  return { kind: 'more' };
}

function frameWhole(bytes: Buffer): Verdict {
  const framing = new ChunkedBody();
  const taken = framing.feed(bytes);
  if (taken === -1) return { kind: 'invalid', problem: framing.problem ?? '' };
  return framing.complete ? { kind: 'complete', end: taken } : { kind: 'more' };
}

/** Counts disagreements by the listed reason that allows them; fails on any other. */
class Differences {
  readonly seen = new Map<string, number>();

  allow(reason: string, context: string): void {
    const allowed = STRICTER_THAN_LLHTTP.find(([pattern]) => pattern.test(reason));
    assert.ok(allowed, `weir refuses and llhttp accepts (${reason}): ${JSON.stringify(context)}`);
    this.seen.set(allowed[1], (this.seen.get(allowed[1]) ?? 0) + 1);
  }

  report(): string {
    return [...this.seen].map(([why, count]) => `${count}x ${why}`).join('; ') || 'none';
  }
}

test('random valid chunked bodies end exactly at their last byte, however split, whatever follows', {
  timeout: 60_000,
}, () => {
  forCases('valid chunked', (random) => {
    const body = chunkedBody(random);
    const bytes = Buffer.from(body + trailingBytes(random), 'latin1');
    assert.deepEqual(frameInPieces(random, new ChunkedBody(), bytes), { kind: 'complete', end: body.length });
  });
});

test('damaged chunked bodies are refused or waited on, never thrown on, never framed past the bytes', {
  timeout: 60_000,
}, () => {
  forCases('damaged chunked', (random) => {
    const bytes = Buffer.from(mutate(random, chunkedBody(random) + trailingBytes(random)), 'latin1');
    const whole = frameWhole(bytes);
    if (whole.kind === 'complete') assert.ok(whole.end <= bytes.length);
    // Splitting never changes the verdict.
    assert.deepEqual(frameInPieces(random, new ChunkedBody(), bytes), whole);
  });
});

test('damaged response heads are parsed, refused or waited on, never thrown on or read past', {
  timeout: 60_000,
}, () => {
  forCases('damaged heads', (random) => {
    const text = random.bool() ? mutate(random, responseHead(random)) : responseHead(random);
    const offset = random.int(0, 3);
    const buffer = Buffer.from(`${'x'.repeat(offset)}${text}${trailingBytes(random)}`, 'latin1');
    const result = parseResponseHead(buffer, offset, LIMITS, { method: random.pick(METHODS) });
    if (result.kind !== 'head') return;
    const { head } = result;
    assert.ok(head.statusLineEnd > offset && head.end <= buffer.length);
    let previous = head.statusLineEnd;
    for (const field of head.fields) {
      assert.equal(field.start, previous, 'field lines follow each other');
      assert.equal(buffer.toString('latin1', field.start, field.start + field.name.length).toLowerCase(), field.name);
      assert.equal(buffer.toString('latin1', field.end - 2, field.end), '\r\n');
      previous = field.end;
    }
    assert.equal(head.end, previous + 2);
    // Any cut before the end is incomplete: the verdict never depends on bytes not yet received.
    const cut = random.int(offset, head.end - 1);
    assert.equal(parseResponseHead(buffer.subarray(0, cut), offset, LIMITS, { method: 'GET' }).kind, 'incomplete');
  });
});

test('chunked bodies, valid and damaged: weir and llhttp agree on validity and on where the body ends', {
  timeout: 60_000,
}, (t) => {
  const differences = new Differences();
  forCases('chunked against llhttp', (random) => {
    const valid = chunkedBody(random) + trailingBytes(random);
    const body = Buffer.from(random.bool() ? mutate(random, valid) : valid, 'latin1');
    const verdict = frameWhole(body);
    const llhttp = new LlhttpResponse('GET').feed(Buffer.from(CHUNKED_HEAD));
    if (verdict.kind === 'complete') {
      llhttp.feed(body.subarray(0, verdict.end - 1));
      assert.deepEqual([llhttp.error, llhttp.complete], [null, false], 'llhttp ends the body later');
      llhttp.feed(body.subarray(verdict.end - 1, verdict.end));
      assert.deepEqual([llhttp.error, llhttp.complete], [null, true], 'llhttp ends the body at the same byte');
    } else {
      llhttp.feed(body);
      if (verdict.kind === 'more') assert.deepEqual([llhttp.error, llhttp.complete], [null, false]);
      else if (llhttp.error === null) differences.allow(verdict.problem, body.toString('latin1'));
    }
  });
  t.diagnostic(`allowed differences: ${differences.report()}`);
});

test('response heads, valid and damaged: weir and llhttp agree on validity, keep-alive and body framing', {
  timeout: 60_000,
}, (t) => {
  const differences = new Differences();
  forCases('heads against llhttp', (random) => {
    const text = random.bool() ? mutate(random, responseHead(random)) : responseHead(random);
    const method = random.pick(METHODS);
    const result = parseResponseHead(Buffer.from(text, 'latin1'), 0, LIMITS, { method });
    const llhttp = new LlhttpResponse(method);
    if (result.kind === 'head') {
      llhttp.feed(Buffer.from(text.slice(0, result.head.end), 'latin1'));
      assert.equal(llhttp.error, null, `llhttp refuses ${JSON.stringify(text)}`);
      assert.equal(llhttp.head?.status, result.head.status);
      agreeOnFraming(result.head, llhttp, text);
    } else {
      llhttp.feed(Buffer.from(text, 'latin1'));
      if (result.kind === 'incomplete') assert.deepEqual([llhttp.error, llhttp.head], [null, null], text);
      else if (llhttp.error === null) differences.allow(result.reason, text);
    }
  });
  t.diagnostic(`allowed differences: ${differences.report()}`);
});

/** Feeds llhttp a body as the head frames it, and checks that it ends where weir says. */
function agreeOnFraming(head: ResponseHead, llhttp: LlhttpResponse, text: string): void {
  const context = JSON.stringify(text);
  const { body } = head;
  // Not compared: tunnels and bodiless responses, where llhttp's verdict comes before it knows there is no body;
  // and HTTP/1.0 with both keep-alive and close, where llhttp keeps the connection and weir closes it (RFC 9112 §9.3).
  const options = head.connectionOptions;
  const bothOptions = options.includes('close') && options.includes('keep-alive');
  if (!head.tunnel && body.kind !== 'none' && !(head.version === '1.0' && bothOptions)) {
    assert.equal(llhttp.head?.keepAlive, head.keepAlive, `keep-alive of ${context}`);
  }
  if (body.kind === 'none' || (body.kind === 'length' && body.length === 0)) {
    assert.equal(llhttp.complete, true, context);
    return;
  }
  assert.equal(llhttp.complete, false, context);
  if (body.kind === 'close') {
    llhttp.feed(Buffer.from('some body'));
    assert.equal(llhttp.complete, false, context);
    llhttp.finish();
  } else {
    const bytes = Buffer.from(body.kind === 'chunked' ? '0\r\n\r\n' : 'x'.repeat(body.length));
    llhttp.feed(bytes.subarray(0, -1));
    assert.equal(llhttp.complete, false, context);
    llhttp.feed(bytes.subarray(-1));
  }
  assert.deepEqual([llhttp.error, llhttp.complete], [null, true], context);
}
