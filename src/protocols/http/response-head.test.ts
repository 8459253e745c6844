import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HeadLimits } from './head-field.ts';
import { parseResponseHead, type ResponseHead } from './response-head.ts';

const LIMITS: HeadLimits = { maxHeadBytes: 8192, maxHeaders: 100 };

const parse = (text: string, method = 'GET', limits = LIMITS, offset = 0) =>
  parseResponseHead(Buffer.from(text, 'latin1'), offset, limits, { method });

function head(text: string, method = 'GET'): ResponseHead {
  const result = parse(text, method);
  assert.equal(result.kind, 'head', JSON.stringify(result));
  return (result as { head: ResponseHead }).head;
}

function refused(text: string, method = 'GET'): string {
  const result = parse(text, method);
  assert.equal(result.kind, 'invalid', JSON.stringify(result));
  return (result as { reason: string }).reason;
}

describe('a valid head', () => {
  test('gives status, version, field lines with their offsets, and where it ends', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain \r\nX-Empty:\r\nContent-Length: 5\r\n\r\nhello';
    const parsed = head(text);
    assert.deepEqual([parsed.version, parsed.status, parsed.statusLineEnd, parsed.end], ['1.1', 200, 17, 75]);
    assert.deepEqual(
      parsed.fields.map((field) => [field.name, field.value, text.slice(field.start, field.end)]),
      [
        ['content-type', 'text/plain', 'Content-Type: text/plain \r\n'],
        ['x-empty', '', 'X-Empty:\r\n'],
        ['content-length', '5', 'Content-Length: 5\r\n'],
      ],
    );
    assert.deepEqual(parsed.body, { kind: 'length', length: 5 });
    assert.equal(parsed.keepAlive, true);
    assert.equal(parsed.informational, false);
    assert.equal(parsed.tunnel, false);
  });

  test('starts at the offset given, and ignores what follows it', () => {
    const text = 'junkHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 garbage';
    const parsed = parse(text, 'GET', LIMITS, 4);
    assert.equal(parsed.kind === 'head' && parsed.head.end, 31);
  });

  test('an empty reason phrase, with or without its space, and obs-text in it', () => {
    assert.equal(head('HTTP/1.1 200 \r\n\r\n').status, 200);
    assert.equal(head('HTTP/1.1 200\r\n\r\n').status, 200);
    assert.equal(head('HTTP/1.0 404 Nicht gefunden \xe4\r\n\r\n').status, 404);
  });

  test('is incomplete at every cut before its end', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    for (let cut = 0; cut < text.length; cut++) assert.equal(parse(text.slice(0, cut)).kind, 'incomplete', `${cut}`);
    assert.equal(parse(text).kind, 'head');
  });
});

describe('body framing (RFC 9112 §6.3)', () => {
  const body = (text: string, method = 'GET') => head(text, method).body;

  test('none for HEAD, 1xx, 204 and 304 whatever the fields say, and for 2xx to CONNECT', () => {
    assert.deepEqual(body('HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n', 'HEAD'), { kind: 'none' });
    assert.deepEqual(body('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'HEAD'), { kind: 'none' });
    assert.deepEqual(body('HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n'), { kind: 'none' });
    assert.deepEqual(body('HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n'), { kind: 'none' });
    assert.deepEqual(body('HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n'), { kind: 'none' });
    assert.deepEqual(body('HTTP/1.1 200 Connection established\r\n\r\n', 'CONNECT'), { kind: 'none' });
    assert.deepEqual(body('HTTP/1.1 407 Auth\r\nContent-Length: 3\r\n\r\n', 'CONNECT'), { kind: 'length', length: 3 });
  });

  test('chunked when chunked is the final transfer coding, in any case, over several fields', () => {
    assert.deepEqual(body('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), { kind: 'chunked' });
    assert.deepEqual(body('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip ,\tChunked \r\n\r\n'), { kind: 'chunked' });
    assert.deepEqual(body('HTTP/1.1 200 OK\r\nContent-Length:\t4 \r\n\r\n'), { kind: 'length', length: 4 });
    assert.deepEqual(body('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n'), {
      kind: 'chunked',
    });
  });

  test('until close for another final coding, or no framing at all; never keep-alive then', () => {
    const gzip = head('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n');
    assert.deepEqual([gzip.body, gzip.keepAlive], [{ kind: 'close' }, false]);
    const bare = head('HTTP/1.1 200 OK\r\n\r\n');
    assert.deepEqual([bare.body, bare.keepAlive], [{ kind: 'close' }, false]);
  });

  test('a Content-Length with leading zeros, up to 2^53 - 1', () => {
    assert.deepEqual(body('HTTP/1.1 200 OK\r\nContent-Length: 007\r\n\r\n'), { kind: 'length', length: 7 });
    assert.deepEqual(body('HTTP/1.1 200 OK\r\nContent-Length: 9007199254740991\r\n\r\n'), {
      kind: 'length',
      length: 2 ** 53 - 1,
    });
    assert.match(refused('HTTP/1.1 200 OK\r\nContent-Length: 9007199254740992\r\n\r\n'), /larger than 2\^53 - 1/);
    assert.match(refused(`HTTP/1.1 200 OK\r\nContent-Length: ${'9'.repeat(400)}\r\n\r\n`), /larger than/);
  });

  test('1xx other than 101 is informational: the final response follows', () => {
    const early = head('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\n');
    assert.deepEqual([early.informational, early.tunnel, early.end], [true, false, 57]);
    assert.equal(head('HTTP/1.1 100 Continue\r\n\r\n').informational, true);
  });

  test('101 and 2xx to CONNECT hand the connection to another protocol: a tunnel, not kept alive', () => {
    const upgrade = head('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    assert.deepEqual([upgrade.tunnel, upgrade.informational, upgrade.keepAlive], [true, false, false]);
    assert.deepEqual(upgrade.connectionOptions, ['upgrade']);
    assert.equal(head('HTTP/1.1 200 OK\r\n\r\n', 'CONNECT').tunnel, true);
    assert.equal(head('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'GET').tunnel, false);
  });
});

describe('keep-alive (RFC 9112 §9.3) and Connection', () => {
  const keepAlive = (text: string) => head(text).keepAlive;

  test('HTTP/1.1 persists unless Connection lists close', () => {
    assert.equal(keepAlive('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), true);
    assert.equal(keepAlive('HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n'), false);
    assert.equal(keepAlive('HTTP/1.1 200 OK\r\nConnection: x-a, close\r\nContent-Length: 0\r\n\r\n'), false);
  });

  test('HTTP/1.0 persists only with keep-alive listed, and no close', () => {
    assert.equal(keepAlive('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'), false);
    assert.equal(keepAlive('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n'), true);
    assert.equal(keepAlive('HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n'), false);
  });

  test('lists the Connection options lower-cased, from every Connection field, empty elements skipped', () => {
    const parsed = head('HTTP/1.1 200 OK\r\nConnection: X-Trace , ,Keep-Alive\r\nconnection: X-B\r\n\r\n');
    assert.deepEqual(parsed.connectionOptions, ['x-trace', 'keep-alive', 'x-b']);
    assert.match(refused('HTTP/1.1 200 OK\r\nConnection: a b\r\n\r\n'), /Connection: a list element is not a token/);
  });
});

describe('refused', () => {
  const cases: [string, string, RegExp][] = [
    ['CL and TE', 'Content-Length: 5\r\nTransfer-Encoding: chunked', /both Content-Length and Transfer-Encoding/],
    ['TE and CL', 'Transfer-Encoding: chunked\r\nContent-Length: 0', /both Content-Length and Transfer-Encoding/],
    ['differing Content-Length', 'Content-Length: 5\r\nContent-Length: 6', /more than one Content-Length/],
    ['repeated equal Content-Length', 'Content-Length: 5\r\nContent-Length: 5', /more than one Content-Length/],
    ['listed Content-Length', 'Content-Length: 5, 5', /Content-Length is not a number/],
    ['signed Content-Length', 'Content-Length: +5', /Content-Length is not a number/],
    ['negative Content-Length', 'Content-Length: -1', /Content-Length is not a number/],
    ['hexadecimal Content-Length', 'Content-Length: 0x10', /Content-Length is not a number/],
    ['empty Content-Length', 'Content-Length: ', /Content-Length is not a number/],
    ['a tab after Transfer-Encoding', 'Transfer-Encoding: chunked\t', /a tab after the Transfer-Encoding value/],
    ['a tab after Content-Length', 'Content-Length: 4 \t', /a tab after the Content-Length value/],
    ['chunked not last', 'Transfer-Encoding: chunked, gzip', /chunked is not the final transfer coding/],
    ['chunked twice', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked', /chunked is not the final/],
    ['TE with an empty element', 'Transfer-Encoding: chunked ,', /empty element/],
    ['TE with an empty first element', 'Transfer-Encoding: , chunked', /empty element/],
    ['empty TE', 'Transfer-Encoding: ', /empty element/],
    ['quoted TE', 'Transfer-Encoding: "chunked"', /not a token/],
    ['TE with parameters', 'Transfer-Encoding: chunked;q=1', /not a token/],
    ['space before the colon', 'Transfer-Encoding : chunked', /not a token followed by a colon/],
    ['obs-fold', 'X-A: a\r\n b', /obs-fold/],
    ['folded TE', 'Transfer-Encoding: gzip\r\n\tchunked', /obs-fold/],
    ['bare LF after a field', 'X-A: a\nX-B: b', /control character or a bare CR or LF/],
    ['bare CR in a value', 'X-A: a\rb', /control character or a bare CR or LF/],
    ['NUL in a value', 'X-A: a\x00b', /control character/],
    ['DEL in a value', 'X-A: a\x7fb', /control character/],
    ['empty field name', ': a', /does not start with a field name/],
    ['a field name with a slash', 'X/A: a', /not a token followed by a colon/],
    ['a field name with a non-ASCII byte', 'X-\xe4: a', /not a token followed by a colon/],
  ];
  for (const [name, fields, reason] of cases) {
    test(name, () => assert.match(refused(`HTTP/1.1 200 OK\r\n${fields}\r\n\r\n`), reason));
  }

  test('CL with TE as soon as the second field line is in, before the head ends', () => {
    assert.equal(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n').kind, 'invalid');
    assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n').kind, 'invalid');
  });

  test('Transfer-Encoding in an HTTP/1.0 response', () =>
    assert.match(refused('HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), /HTTP\/1.0/));

  test('bare LF ending the status line or the head', () => {
    refused('HTTP/1.1 200 OK\n\r\n');
    refused('HTTP/1.1 200 OK\r\n\n');
    refused('HTTP/1.1 200 OK\r\nX-A: b\r\n\n');
    refused('HTTP/1.1 200 OK\r\n\rX');
  });

  test('status lines that are not HTTP/1.x NNN reason', () => {
    for (const line of [
      'HTTP/1.2 200 OK',
      'HTTP/2.0 200 OK',
      'HTTP/1.1  200 OK',
      'HTTP/1.1 20 OK',
      'HTTP/1.1 2000 OK',
      'HTTP/1.1 099 OK',
      'HTTP/1.1 600 OK',
      'HTTP/1.1 200 O\x01K',
      'http/1.1 200 OK',
      'ICY 200 OK',
      ' HTTP/1.1 200 OK',
      'HTTP/1.1\t200 OK',
    ]) {
      assert.equal(parse(`${line}\r\n\r\n`).kind, 'invalid', line);
    }
  });

  test('as soon as a byte shows it, before the head is complete', () => {
    assert.equal(parse('HTTQ').kind, 'invalid');
    assert.equal(parse('HTTP/1.1 200 OK\r\nX A').kind, 'invalid');
  });

  test('heads beyond maxHeadBytes or maxHeaders', () => {
    const text = 'HTTP/1.1 200 OK\r\nX-A: 1\r\nX-B: 2\r\n\r\n';
    assert.equal(parse(text, 'GET', { maxHeadBytes: text.length, maxHeaders: 2 }).kind, 'head');
    assert.match(
      (parse(text, 'GET', { maxHeadBytes: text.length - 1, maxHeaders: 2 }) as { reason: string }).reason,
      /larger than/,
    );
    // Unfinished but already as long as the limit: refused, not waited for.
    assert.equal(parse(text.slice(0, 20), 'GET', { maxHeadBytes: 20, maxHeaders: 2 }).kind, 'invalid');
    assert.equal(parse(text.slice(0, 19), 'GET', { maxHeadBytes: 20, maxHeaders: 2 }).kind, 'incomplete');
    assert.match(
      (parse(text, 'GET', { maxHeadBytes: 8192, maxHeaders: 1 }) as { reason: string }).reason,
      /more than 1 header/,
    );
  });
});
