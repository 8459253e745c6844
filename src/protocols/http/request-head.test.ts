import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { plainVerdict } from '../../../test/support/plain-head.ts';
import { vectors } from '../../../test/support/smuggling-vectors.ts';
import type { HeadLimits } from './head-field.ts';
import { parseRequestHead, type RequestHead, type RequestHeadResult } from './request-head.ts';

const LIMITS: HeadLimits = { maxHeadBytes: 8192, maxHeaders: 100 };

const parse = (text: string, limits = LIMITS): RequestHeadResult =>
  parseRequestHead(Buffer.from(text, 'latin1'), 0, limits);

function head(text: string): RequestHead {
  const result = parse(text);
  assert.equal(result.kind, 'head', JSON.stringify(result));
  return (result as { head: RequestHead }).head;
}

const request = (requestLine: string, ...fields: string[]) =>
  `${requestLine}\r\n${fields.map((field) => `${field}\r\n`).join('')}\r\n`;
const get = (...fields: string[]) => request('GET / HTTP/1.1', 'Host: app.example', ...fields);
const post = (...fields: string[]) => request('POST / HTTP/1.1', 'Host: app.example', ...fields);

describe('a head that passes', () => {
  test('gives every part, with the byte range of each field line', () => {
    const text = request('GET /a?b=c HTTP/1.1', 'Host: app.example', 'X-Trace:  \tabc d \t', 'ACCEPT:*/*');
    const bytes = Buffer.from(`${text}body`, 'latin1');
    const result = parseRequestHead(bytes, 0, LIMITS);
    assert.deepEqual(plainVerdict(result), {
      kind: 'head',
      head: {
        method: 'GET',
        target: '/a?b=c',
        version: '1.1',
        start: 0,
        end: text.length,
        fields: [
          { name: 'host', value: 'app.example', start: 21, end: 40 },
          { name: 'x-trace', value: 'abc d', start: 40, end: 60 },
          { name: 'accept', value: '*/*', start: 60, end: 72 },
        ],
        host: 'app.example',
        body: { kind: 'none' },
        keepAlive: true,
        upgrade: false,
        expectContinue: false,
        connectionOptions: [],
      },
    });
    const lines = (result as { head: RequestHead }).head.fields.map((f) => bytes.toString('latin1', f.start, f.end));
    assert.deepEqual(lines, ['Host: app.example\r\n', 'X-Trace:  \tabc d \t\r\n', 'ACCEPT:*/*\r\n']);
  });

  test('at an offset, after empty lines, ranges are offsets in the buffer', () => {
    const before = 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok';
    const bytes = Buffer.from(`${before}\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n`, 'latin1');
    const result = parseRequestHead(bytes, before.length, LIMITS);
    assert.equal(result.kind, 'head');
    const { start, end, fields } = (result as { head: RequestHead }).head;
    assert.equal(start, before.length + 2);
    assert.equal(end, bytes.length);
    assert.equal(bytes.toString('latin1', fields[0]!.start, fields[0]!.end), 'Host: a\r\n');
  });

  const accepted: [string, string, Partial<RequestHead>][] = [
    ['HTTP/1.0 without Host closes', request('GET / HTTP/1.0'), { version: '1.0', host: null, keepAlive: false }],
    [
      'HTTP/1.0 with keep-alive',
      request('GET / HTTP/1.0', 'Connection: Keep-Alive'),
      { keepAlive: true, connectionOptions: ['keep-alive'] },
    ],
    [
      'HTTP/1.1 with close among other options',
      get('Connection: x-a, close', 'Connection: ,X-B ,x-a'),
      { keepAlive: false, connectionOptions: ['x-a', 'close', 'x-b'] },
    ],
    ['Content-Length', post('Content-Length: 0012'), { body: { kind: 'length', length: 12 } }],
    [
      'HTAB around Connection options',
      request('GET / HTTP/1.0', 'Connection:\tkeep-alive\t,\tclose\t'),
      { keepAlive: false, connectionOptions: ['keep-alive', 'close'] },
    ],
    ['HTAB before Content-Length', post('Content-Length:\t5'), { body: { kind: 'length', length: 5 } }],
    ['Content-Length: 0 is no body', get('Content-Length: 0'), { body: { kind: 'none' } }],
    ['chunked in any case', post('transfer-encoding: Chunked'), { body: { kind: 'chunked' } }],
    ['DELETE with a body', request('DELETE /x HTTP/1.1', 'Host: a', 'Content-Length: 2'), { method: 'DELETE' }],
    [
      'an upgrade',
      get('Connection: Upgrade', 'Upgrade: websocket'),
      { upgrade: true, keepAlive: true, connectionOptions: ['upgrade'] },
    ],
    ['Upgrade without the option is no upgrade', get('Upgrade: websocket'), { upgrade: false }],
    ['an empty Upgrade is no upgrade', get('Connection: upgrade', 'Upgrade:'), { upgrade: false }],
    [
      'Upgrade in HTTP/1.0 is ignored',
      request('GET / HTTP/1.0', 'Connection: upgrade', 'Upgrade: ws'),
      { upgrade: false },
    ],
    ['Expect: 100-continue', post('Expect: 100-Continue', 'Content-Length: 5'), { expectContinue: true }],
    ['Expect in HTTP/1.0 is ignored', request('POST / HTTP/1.0', 'Expect: 100-continue'), { expectContinue: false }],
    ['OPTIONS *', request('OPTIONS * HTTP/1.1', 'Host: a'), { method: 'OPTIONS', target: '*' }],
    ['absolute-form naming Host', request('GET http://App.Example/x HTTP/1.1', 'Host: app.example'), {}],
    ['absolute-form with the default port', request('GET http://a:80/x HTTP/1.1', 'Host: a'), {}],
    ['Host with the default port', request('GET https://a HTTP/1.1', 'Host: a:443'), {}],
    ['an empty port', request('GET http://a:/ HTTP/1.1', 'Host: a'), {}],
    ['an IPv6 Host', get().replace('app.example', '[2001:db8::1]:8080'), { host: '[2001:db8::1]:8080' }],
    ['an empty Host', request('GET / HTTP/1.1', 'Host:'), { host: '' }],
    [
      'CONNECT host:port',
      request('CONNECT a.example:443 HTTP/1.1', 'Host: a.example:443'),
      { target: 'a.example:443' },
    ],
    ['a method Node knows', request('M-SEARCH / HTTP/1.1', 'Host: a'), { method: 'M-SEARCH' }],
    ['visible ASCII in the target', request('GET /"<>{}|\\^`[] HTTP/1.1', 'Host: a'), { target: '/"<>{}|\\^`[]' }],
    ['HTAB and Latin-1 in a value', get('X-Note: a\tb\u00e9\u00ff'), {}],
  ];
  for (const [name, text, facts] of accepted) {
    test(name, () => {
      const parsed = head(text);
      for (const [key, value] of Object.entries(facts)) assert.deepEqual(parsed[key as keyof RequestHead], value, key);
    });
  }
});

const refused: [string, string, number, RegExp][] = [
  ['a lower-case method', request('get / HTTP/1.1', 'Host: a'), 501, /method get is unknown/],
  ['an unknown method', request('BREW / HTTP/1.1', 'Host: a'), 501, /unknown/],
  ['a method that is not a token', request('G(T / HTTP/1.1', 'Host: a'), 400, /method and one space/],
  ['whitespace before the method', request(' GET / HTTP/1.1', 'Host: a'), 400, /method and one space/],
  ['two spaces after the method', request('GET  / HTTP/1.1', 'Host: a'), 400, /no target/],
  ['two spaces after the target', request('GET /  HTTP/1.1', 'Host: a'), 400, /HTTP\/<digit>/],
  ['HTAB as a separator', request('GET\t/ HTTP/1.1', 'Host: a'), 400, /method and one space/],
  ['HTAB in the target', request('GET /a\tb HTTP/1.1', 'Host: a'), 400, /visible ASCII/],
  ['DEL in the target', request('GET /\x7f HTTP/1.1', 'Host: a'), 400, /visible ASCII/],
  ['Latin-1 in the target', request('GET /\u00e9 HTTP/1.1', 'Host: a'), 400, /visible ASCII/],
  ['a space after the version', request('GET / HTTP/1.1 ', 'Host: a'), 400, /HTTP\/<digit>/],
  ['a lower-case version', request('GET / http/1.1', 'Host: a'), 400, /HTTP\/<digit>/],
  ['a two-digit version', request('GET / HTTP/11.1', 'Host: a'), 400, /HTTP\/<digit>/],
  ['HTTP/1.2', request('GET / HTTP/1.2', 'Host: a'), 505, /HTTP\/1.2 is not supported/],
  ['HTTP/0.9 named', request('GET / HTTP/0.9'), 505, /HTTP\/0.9/],
  ['authority-form outside CONNECT', request('GET a:80 HTTP/1.1', 'Host: a'), 400, /neither a path nor/],
  ['another scheme', request('GET ftp://a/ HTTP/1.1', 'Host: a'), 400, /neither a path nor/],
  ['* outside OPTIONS', request('GET * HTTP/1.1', 'Host: a'), 400, /OPTIONS only/],
  ['CONNECT to a path', request('CONNECT /x HTTP/1.1', 'Host: a'), 400, /CONNECT to a target other/],
  ['CONNECT without a port', request('CONNECT a HTTP/1.1', 'Host: a'), 400, /CONNECT to a target other/],
  ['CONNECT with an empty port', request('CONNECT a: HTTP/1.1', 'Host: a'), 400, /CONNECT to a target other/],
  ['absolute-form with user information', request('GET http://a@b/ HTTP/1.1', 'Host: b'), 400, /user information/],
  ['absolute-form naming another port', request('GET http://a:8080/ HTTP/1.1', 'Host: a'), 400, /another host/],
  ["the other scheme's default port", request('GET https://a:80/ HTTP/1.1', 'Host: a'), 400, /another host/],
  ['absolute-form without Host', request('GET http://a/ HTTP/1.0'), 400, /without a Host/],
  ['a bare CR ending the request line', 'GET / HTTP/1.1\rHost: a\r\n\r\n', 400, /HTTP\/<digit>/],
  ['a bare LF before the request line', '\nGET / HTTP/1.1\r\nHost: a\r\n\r\n', 400, /bare LF/],
  ['a bare CR before the request line', '\r\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n', 400, /method and one space/],
  ['a bare LF ending the head', 'GET / HTTP/1.1\r\nHost: a\r\n\n', 400, /bare LF/],
  ['a header line of whitespace', get(' '), 400, /obs-fold/],
  ['a header line without a colon', get('X-A'), 400, /no colon/],
  ['an empty header name', get(': a'), 400, /no name/],
  ['HTAB before the colon', get('X-A\t: a'), 400, /between a header name and its colon/],
  ['a non-token name', get('X{A}: a'), 400, /name is not a token/],
  ['a Latin-1 name', get('X-\u00e9: a'), 400, /name is not a token/],
  ['DEL in a value', get('X-A: a\x7fb'), 400, /control character/],
  ['ESC in a value', get('X-A: \x1b[0m'), 400, /control character/],
  ['NUL at the end of a value', get('X-A: a\0'), 400, /control character/],
  ['two identical Host', request('GET / HTTP/1.1', 'Host: a', 'HOST: a'), 400, /more than one Host/],
  ['Host with user information', request('GET / HTTP/1.1', 'Host: user@a'), 400, /not a host and port/],
  ['Host with a path', request('GET / HTTP/1.1', 'Host: a/b'), 400, /not a host and port/],
  ['Host with a space', request('GET / HTTP/1.1', 'Host: a b'), 400, /not a host and port/],
  ['Host with a port that is not a number', request('GET / HTTP/1.1', 'Host: a:8o'), 400, /not a host and port/],
  ['an empty IP literal', request('GET / HTTP/1.1', 'Host: []'), 400, /not a host and port/],
  ['two identical Content-Length', post('Content-Length: 5', 'content-length: 5'), 400, /more than one Content-L/],
  ['an empty Content-Length', post('Content-Length:'), 400, /not a number/],
  ['Content-Length in hexadecimal', post('Content-Length: 0x10'), 400, /not a number/],
  ['Content-Length beyond 2^53 - 1', post('Content-Length: 9007199254740992'), 400, /below 2\^53/],
  [
    'two identical Transfer-Encoding',
    post('Transfer-Encoding: chunked', 'TE: x', 'transfer-encoding: chunked'),
    400,
    /more than one Transfer/,
  ],
  ['HTAB after Content-Length, as Node refuses it', post('Content-Length: 5\t'), 400, /HTAB after/],
  ['HTAB after chunked, as Node refuses it', post('Transfer-Encoding: chunked \t'), 400, /HTAB after/],
  ['# ending an absolute-form authority', request('GET http://a#x HTTP/1.1', 'Host: a'), 400, /invalid host/],
  ['chunked twice', post('Transfer-Encoding: chunked, chunked'), 400, /end in one chunked/],
  ['chunked with a parameter', post('Transfer-Encoding: chunked;x=1'), 400, /end in one chunked/],
  ['an empty Transfer-Encoding', post('Transfer-Encoding:'), 400, /end in one chunked/],
  ['another coding only', post('Transfer-Encoding: gzip'), 400, /end in one chunked/],
  ['another coding before chunked', post('Transfer-Encoding: gzip,\tchunked'), 501, /other than chunked/],
  ['HEAD with a body', request('HEAD / HTTP/1.1', 'Host: a', 'Content-Length: 1'), 400, /HEAD request with a body/],
  ['TRACE chunked', request('TRACE / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked'), 400, /TRACE request/],
  ['HTTP/1.0 with Transfer-Encoding', request('POST / HTTP/1.0', 'Transfer-Encoding: chunked'), 400, /HTTP\/1.0/],
];

describe('a head that is refused, with status and reason', () => {
  for (const [name, text, status, reason] of refused) {
    test(name, () => {
      const result = parse(text);
      assert.equal(result.kind, 'refused', JSON.stringify(result));
      if (result.kind !== 'refused') return;
      assert.equal(result.status, status, result.reason);
      assert.match(result.reason, reason);
    });
  }
});

describe('limits and incomplete heads', () => {
  const text = get('X-A: 1', 'X-B: 2');

  test('every proper prefix is incomplete, and the head ends where the blank line does', () => {
    for (let length = 0; length < text.length; length++) assert.equal(parse(text.slice(0, length)).kind, 'incomplete');
    assert.equal(head(`${text}GET`).end, text.length);
  });

  test('a head of exactly maxHeadBytes passes; one byte more is 431, as soon as the limit is reached', () => {
    assert.equal(parse(text, { maxHeadBytes: text.length, maxHeaders: 3 }).kind, 'head');
    const tight = { maxHeadBytes: text.length - 1, maxHeaders: 3 };
    assert.match(JSON.stringify(parse(text, tight)), /"status":431.*larger than/);
    assert.equal(parse(text.slice(0, -2), tight).kind, 'incomplete');
    assert.match(JSON.stringify(parse(text.slice(0, -1), tight)), /"status":431/);
  });

  test('empty lines before the request line count towards maxHeadBytes', () => {
    const limits = { maxHeadBytes: 64, maxHeaders: 3 };
    assert.match(JSON.stringify(parse('\r\n'.repeat(40), limits)), /"status":431/);
  });

  test('more than maxHeaders fields is 431', () => {
    assert.equal(parse(text, { maxHeadBytes: 8192, maxHeaders: 3 }).kind, 'head');
    assert.match(
      JSON.stringify(parse(text, { maxHeadBytes: 8192, maxHeaders: 2 })),
      /"status":431.*more than 2 header/,
    );
  });

  test('a broken line is refused before the head is complete', () => {
    assert.equal(parse('GET / HTTP/1.1\r\nHost: a\nX').kind, 'refused');
    assert.equal(parse('GET  / HTTP/1.1\r\nHost').kind, 'refused');
  });
});

describe('smuggling vectors', () => {
  for (const [name, bytes, refusedBy] of vectors) {
    if (refusedBy === 'parser in the body') {
      // The head is well-formed; the chunked-body framing refuses these, from the offset the head ends at.
      test(`${name}: a chunked head whose body starts at its end`, () => {
        const parsed = head(bytes);
        assert.deepEqual(parsed.body, { kind: 'chunked' });
        assert.equal(bytes.slice(parsed.end - 4, parsed.end), '\r\n\r\n');
        assert.ok(bytes.indexOf('\r\n\r\n') + 4 === parsed.end);
      });
    } else {
      test(`${name}: refused`, () => assert.equal(parse(bytes).kind, 'refused', JSON.stringify(parse(bytes))));
    }
  }
});
