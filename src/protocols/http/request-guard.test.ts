import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type GuardedRequest, requestProblem } from './request-guard.ts';

/** A request as Node's parser hands it over: `headers` are `Name: value` lines. */
function parsed(requestLine: string, ...headers: string[]): GuardedRequest {
  const [method, url, version] = requestLine.split(' ') as [string, string, string];
  return {
    method,
    url,
    httpVersion: version.replace('HTTP/', ''),
    rawHeaders: headers.flatMap((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    }),
  };
}

const accepted: [string, GuardedRequest][] = [
  ['a plain GET', parsed('GET / HTTP/1.1', 'Host: app.example')],
  ['HTTP/1.0 without Host', parsed('GET /x?y HTTP/1.0')],
  ['a chunked POST', parsed('POST /upload HTTP/1.1', 'Host: app.example', 'transfer-encoding: Chunked')],
  ['a POST with Content-Length', parsed('POST / HTTP/1.1', 'Host: app.example', 'Content-Length: 12')],
  ['GET with Content-Length: 0', parsed('GET / HTTP/1.1', 'Host: app.example', 'Content-Length: 0')],
  ['DELETE with a body', parsed('DELETE /x HTTP/1.1', 'Host: app.example', 'Content-Length: 2')],
  ['OPTIONS *', parsed('OPTIONS * HTTP/1.1', 'Host: app.example')],
  ['Host with a port and an IPv6 literal', parsed('GET / HTTP/1.1', 'Host: [2001:db8::1]:8080')],
  ['an empty Host', parsed('GET / HTTP/1.1', 'Host: ')],
  ['absolute-form naming Host', parsed('GET http://App.Example/x HTTP/1.1', 'Host: app.example')],
  ['absolute-form with the default port', parsed('GET http://app.example:80/x HTTP/1.1', 'Host: app.example')],
  ['Host with the default port', parsed('GET http://app.example/ HTTP/1.1', 'Host: app.example:80')],
  ['https default port', parsed('GET HTTPS://app.example:443 HTTP/1.1', 'Host: app.example')],
  ['an empty port', parsed('GET http://app.example:/ HTTP/1.1', 'Host: app.example')],
  ['a tab and Latin-1 in a value', parsed('GET / HTTP/1.1', 'Host: a', 'X-Note: a\tb\u00e9')],
];

const refused: [string, GuardedRequest, RegExp][] = [
  ['HTTP/0.9', parsed('GET / HTTP/0.9'), /HTTP\/0.9/],
  ['HTTP/2.0 in an HTTP/1 request line', parsed('GET / HTTP/2.0', 'Host: a'), /HTTP\/2.0/],
  ['duplicate Host', parsed('GET / HTTP/1.1', 'Host: a', 'host: b'), /more than one Host/],
  ['duplicate identical Host', parsed('GET / HTTP/1.1', 'Host: a', 'HOST: a'), /more than one Host/],
  ['Host with a comma', parsed('GET / HTTP/1.1', 'Host: a, b'), /Host header is not/],
  ['Host with user information', parsed('GET / HTTP/1.1', 'Host: user@a'), /Host header is not/],
  ['Host with a path', parsed('GET / HTTP/1.1', 'Host: a/b'), /Host header is not/],
  ['Host with a space', parsed('GET / HTTP/1.1', 'Host: a b'), /Host header is not/],
  [
    'HTTP/1.0 with chunked',
    parsed('POST / HTTP/1.0', 'Host: a', 'Transfer-Encoding: chunked'),
    /Transfer-Encoding in an HTTP\/1.0/,
  ],
  [
    'a transfer coding other than chunked',
    parsed('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: gzip, chunked'),
    /other than chunked/,
  ],
  [
    'Content-Length with Transfer-Encoding',
    parsed('POST / HTTP/1.1', 'Host: a', 'Content-Length: 5', 'Transfer-Encoding: chunked'),
    /both Content-Length and Transfer-Encoding/,
  ],
  [
    'two Transfer-Encoding lines',
    parsed('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked', 'transfer-encoding: chunked'),
    /more than one Transfer-Encoding/,
  ],
  [
    'two Content-Length lines',
    parsed('POST / HTTP/1.1', 'Host: a', 'Content-Length: 5', 'content-length: 5'),
    /more than one Content-Length/,
  ],
  ['a listed Content-Length', parsed('POST / HTTP/1.1', 'Host: a', 'Content-Length: 5, 5'), /not a number/],
  ['a signed Content-Length', parsed('POST / HTTP/1.1', 'Host: a', 'Content-Length: +5'), /not a number/],
  ['GET with a body', parsed('GET / HTTP/1.1', 'Host: a', 'Content-Length: 5'), /a GET request with a body/],
  ['GET chunked', parsed('GET / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked'), /GET request with a body/],
  ['HEAD with a body', parsed('HEAD / HTTP/1.1', 'Host: a', 'Content-Length: 1'), /HEAD request with a body/],
  ['TRACE with a body', parsed('TRACE / HTTP/1.1', 'Host: a', 'Content-Length: 1'), /TRACE request with a body/],
  ['NUL in a value', parsed('GET / HTTP/1.1', 'Host: a', 'X: a\u0000b'), /X header holds a control/],
  ['CR in a value', parsed('GET / HTTP/1.1', 'Host: a', 'X: a\rb'), /control character/],
  ['LF in a value', parsed('GET / HTTP/1.1', 'Host: a', 'X: a\nb'), /control character/],
  ['DEL in a value', parsed('GET / HTTP/1.1', 'Host: a', 'X: a\u007fb'), /control character/],
  ['LF in a name', parsed('GET / HTTP/1.1', 'Host: a', 'X\nY: a'), /name is not a token/],
  ['NUL in a name', parsed('GET / HTTP/1.1', 'Host: a', 'X\u0000Y: a'), /name is not a token/],
  ['a space in a name', parsed('GET / HTTP/1.1', 'Host: a', 'X Y: a'), /name is not a token/],
  ['an empty name', parsed('GET / HTTP/1.1', 'Host: a', ': a'), /name is not a token/],
  ['absolute-form naming another host', parsed('GET http://b/x HTTP/1.1', 'Host: a'), /another host/],
  ['absolute-form naming another port', parsed('GET http://a:8080/ HTTP/1.1', 'Host: a'), /another host/],
  ['the default port of the other scheme', parsed('GET https://a:80/ HTTP/1.1', 'Host: a'), /another host/],
  ['absolute-form with user information', parsed('GET http://a@b/ HTTP/1.1', 'Host: b'), /user information/],
  ['absolute-form without Host', parsed('GET http://a/ HTTP/1.0'), /without a Host/],
  ['another scheme', parsed('GET ftp://a/ HTTP/1.1', 'Host: a'), /neither a path nor/],
  ['authority-form outside CONNECT', parsed('GET a:80 HTTP/1.1', 'Host: a'), /neither a path nor/],
  ['* outside OPTIONS', parsed('GET * HTTP/1.1', 'Host: a'), /OPTIONS only/],
];

describe('requests that pass', () => {
  for (const [name, request] of accepted) test(name, () => assert.equal(requestProblem(request), null));
});

describe('requests refused, with the reason', () => {
  for (const [name, request, reason] of refused) {
    test(name, () => assert.match(requestProblem(request) ?? 'null', reason));
  }
});
