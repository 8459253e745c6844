import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ForwardedRequest,
  forwardingHeaders,
  type ListenerForwarding,
  listenerForwarding,
} from './forwarding-headers.ts';

const ALL = { 'X-Forwarded-For': 'true', 'X-Forwarded-Port': 'true', 'X-Forwarded-Proto': 'true', Forwarded: 'true' };
const http = listenerForwarding({ insertHeaders: ALL, vipAddress: '203.0.113.10', vipPort: 80, scheme: 'http' });
const https6 = listenerForwarding({ insertHeaders: ALL, vipAddress: '2001:db8::10', vipPort: 443, scheme: 'https' });
const forOnly = listenerForwarding({
  insertHeaders: { 'X-Forwarded-For': 'True', 'X-Forwarded-Port': 'false' },
  vipAddress: '203.0.113.10',
  vipPort: 8080,
  scheme: 'http',
});
const forwardedOnly = listenerForwarding({
  insertHeaders: { Forwarded: 'TRUE' },
  vipAddress: '203.0.113.10',
  vipPort: 80,
  scheme: 'http',
});
const none = listenerForwarding({ insertHeaders: {}, vipAddress: '203.0.113.10', vipPort: 80, scheme: 'http' });

const ELEMENT = 'for=192.0.2.60;proto=http;host=app.example;by="203.0.113.10:80"';
/** What `http` adds for the default client. */
const OURS = [
  'X-Forwarded-For: 192.0.2.60',
  'X-Forwarded-Port: 80',
  'X-Forwarded-Proto: http',
  `Forwarded: ${ELEMENT}`,
];

/** The claims a client may make about where it comes from, in the spellings members may read them in. */
const CLAIMS = [
  'X-Forwarded-For: 6.6.6.6',
  'forwarded: for=6.6.6.6',
  'X-Forwarded-Port: 1',
  'x-forwarded-proto: https',
  'X-Forwarded-Host: evil.example',
  'X-Real-IP: 6.6.6.6',
  'X_Forwarded_For: 6.6.6.6',
  'x_real_ip: 6.6.6.6',
];

interface Case {
  name: string;
  listener: ListenerForwarding;
  /** `Name: value` lines; the first colon splits them. */
  headers: string[];
  request?: Partial<ForwardedRequest>;
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'an untrusted client: its claims are dropped and ours set; other headers keep their order and spelling',
    listener: http,
    headers: ['Host: app.example', ...CLAIMS, 'accept: */*', 'X-Forwarded-Unknown: x'],
    expected: ['Host: app.example', 'accept: */*', ...OURS],
  },
  {
    name: 'an untrusted client on a listener that inserts nothing: claims dropped, nothing added',
    listener: none,
    headers: ['Host: app.example', ...CLAIMS],
    expected: ['Host: app.example'],
  },
  {
    name: 'a trusted proxy: several X-Forwarded-For and Forwarded lines become one chain, ours last',
    listener: http,
    headers: [
      'x-forwarded-for: 198.51.100.1',
      'Host: app.example',
      'X-FORWARDED-FOR: 198.51.100.2, 198.51.100.3',
      'X-Forwarded-For: ',
      'Forwarded: for=198.51.100.1',
      'Forwarded: for="[2001:db8::1]"',
      'X-Forwarded-Proto: https',
      'X-Forwarded-Port: 8443',
      'X-Forwarded-Host: app.example',
      'X-Real-IP: 198.51.100.1',
    ],
    request: { peerTrusted: true },
    expected: [
      'Host: app.example',
      'X-Forwarded-Host: app.example',
      'X-Real-IP: 198.51.100.1',
      'X-Forwarded-For: 198.51.100.1, 198.51.100.2, 198.51.100.3, 192.0.2.60',
      'X-Forwarded-Port: 80',
      'X-Forwarded-Proto: http',
      `Forwarded: for=198.51.100.1, for="[2001:db8::1]", ${ELEMENT}`,
    ],
  },
  {
    name: 'a trusted proxy on a listener that inserts nothing: its headers pass untouched',
    listener: none,
    headers: ['Host: app.example', ...CLAIMS],
    request: { peerTrusted: true },
    expected: ['Host: app.example', ...CLAIMS],
  },
  {
    name: 'insert_headers values are "true" in any case; what is not asked for from a trusted proxy passes',
    listener: forOnly,
    headers: ['X-Forwarded-For: 198.51.100.1', 'X-Forwarded-Port: 8443', 'Forwarded: for=198.51.100.1'],
    request: { peerTrusted: true },
    expected: ['X-Forwarded-Port: 8443', 'Forwarded: for=198.51.100.1', 'X-Forwarded-For: 198.51.100.1, 192.0.2.60'],
  },
  {
    name: 'hop-by-hop headers are removed, in any case',
    listener: none,
    headers: [
      'Host: app.example',
      'Connection: keep-alive',
      'Keep-Alive: timeout=5',
      'proxy-connection: keep-alive',
      'TE: trailers',
      'Trailer: Expires',
      'Transfer-Encoding: chunked',
      'UPGRADE: h2c',
      'Accept: */*',
    ],
    expected: ['Host: app.example', 'Accept: */*'],
  },
  {
    name: 'headers named in Connection are removed, but never forwarding headers, Host or Content-Length',
    listener: http,
    headers: [
      'Host: app.example',
      'Connection: close, X-Custom, x-forwarded-for, Forwarded, X-Forwarded-Port, x-real-ip',
      'X-Custom: a',
      'Content-Length: 0',
      'x-custom: b',
      'connection: HOST,  content-length ,,X-Other',
      'X-Other: c',
      'X-Kept: d',
    ],
    expected: ['Host: app.example', 'Content-Length: 0', 'X-Kept: d', ...OURS],
  },
  {
    name: "Connection cannot cut a trusted proxy's chain short",
    listener: http,
    headers: [
      'Connection: X-Forwarded-For, Forwarded, X-Real-IP',
      'X-Forwarded-For: 198.51.100.1',
      'Forwarded: for=198.51.100.1',
      'X-Real-IP: 198.51.100.1',
    ],
    request: { peerTrusted: true, host: undefined },
    expected: [
      'X-Real-IP: 198.51.100.1',
      'X-Forwarded-For: 198.51.100.1, 192.0.2.60',
      'X-Forwarded-Port: 80',
      'X-Forwarded-Proto: http',
      'Forwarded: for=198.51.100.1, for=192.0.2.60;proto=http;by="203.0.113.10:80"',
    ],
  },
  {
    name: 'a WebSocket upgrade being passed keeps Upgrade and says so in Connection',
    listener: none,
    headers: ['Host: app.example', 'Connection: keep-alive, Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: k'],
    request: { webSocketUpgrade: true },
    expected: ['Host: app.example', 'Upgrade: websocket', 'Sec-WebSocket-Key: k', 'Connection: Upgrade'],
  },
  {
    name: 'IPv6 clients: bare in X-Forwarded-For, quoted and bracketed in Forwarded; an IPv6 VIP likewise',
    listener: https6,
    headers: ['Host: app.example'],
    request: { peerAddress: '2001:db8::17' },
    expected: [
      'Host: app.example',
      'X-Forwarded-For: 2001:db8::17',
      'X-Forwarded-Port: 443',
      'X-Forwarded-Proto: https',
      'Forwarded: for="[2001:db8::17]";proto=https;host=app.example;by="[2001:db8::10]:443"',
    ],
  },
  {
    name: 'a client port, when given, joins the Forwarded node and makes it quoted',
    listener: https6,
    headers: [],
    request: { peerAddress: '2001:db8::17', peerPort: 4711, host: undefined },
    expected: [
      'X-Forwarded-For: 2001:db8::17',
      'X-Forwarded-Port: 443',
      'X-Forwarded-Proto: https',
      'Forwarded: for="[2001:db8::17]:4711";proto=https;by="[2001:db8::10]:443"',
    ],
  },
  {
    name: 'IPv4-mapped clients and VIPs are written as IPv4',
    listener: listenerForwarding({
      insertHeaders: ALL,
      vipAddress: '::ffff:203.0.113.10',
      vipPort: 80,
      scheme: 'http',
    }),
    headers: [],
    request: { peerAddress: '::ffff:192.0.2.60', peerPort: 4711 },
    expected: [
      'X-Forwarded-For: 192.0.2.60',
      'X-Forwarded-Port: 80',
      'X-Forwarded-Proto: http',
      'Forwarded: for="192.0.2.60:4711";proto=http;host=app.example;by="203.0.113.10:80"',
    ],
  },
  {
    name: 'a Cookie rewrite replaces the fields it changes, drops those it empties, and keeps the others as they came',
    listener: {
      ...none,
      cookieRewrite: (value) =>
        value.includes('own=')
          ? value
              .split('; ')
              .filter((c) => !c.startsWith('own='))
              .join('; ')
          : null,
    },
    headers: ['Cookie: a=1', 'Cookie: own=x; b=2', 'Cookie: own=y', 'Connection: close', 'Accept: */*'],
    request: {},
    expected: ['Cookie: a=1', 'Accept: */*', 'Cookie: b=2'],
  },
  {
    name: 'a Cookie field listed in Connection is removed, rewrite or not',
    listener: { ...none, cookieRewrite: () => 'rewritten' },
    headers: ['Cookie: own=x', 'Connection: cookie'],
    request: {},
    expected: [],
  },
  {
    name: 'a peer that is not an address is written as unknown',
    listener: forOnly,
    headers: [],
    request: { peerAddress: '' },
    expected: ['X-Forwarded-For: unknown'],
  },
];

for (const { name, listener, headers, request, expected } of cases) {
  test(name, () => {
    const fields = headers.map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
    });
    const out = forwardingHeaders(listener, {
      fields,
      peerAddress: '192.0.2.60',
      host: 'app.example',
      peerTrusted: false,
      webSocketUpgrade: false,
      ...request,
    });
    assert.deepEqual(
      out.flatMap((h, i) => (i % 2 === 0 ? [`${h}: ${out[i + 1]}`] : [])),
      expected,
    );
  });
}

test('Forwarded host is a token when it can be, else quoted and escaped, and left out when unwritable', () => {
  const hostIn = (host: string | undefined) => {
    const out = forwardingHeaders(forwardedOnly, {
      fields: [],
      peerAddress: '192.0.2.60',
      host,
      peerTrusted: false,
      webSocketUpgrade: false,
    });
    return out[1];
  };
  const by = ';by="203.0.113.10:80"';
  assert.equal(hostIn('app.example'), `for=192.0.2.60;proto=http;host=app.example${by}`);
  assert.equal(hostIn('app.example:8080'), `for=192.0.2.60;proto=http;host="app.example:8080"${by}`);
  assert.equal(hostIn('[2001:db8::1]:8080'), `for=192.0.2.60;proto=http;host="[2001:db8::1]:8080"${by}`);
  assert.equal(hostIn('a"b\\c d'), `for=192.0.2.60;proto=http;host="a\\"b\\\\c d"${by}`);
  assert.equal(hostIn('a\u0001b'), `for=192.0.2.60;proto=http${by}`);
  assert.equal(hostIn(''), `for=192.0.2.60;proto=http${by}`);
  assert.equal(hostIn(undefined), `for=192.0.2.60;proto=http${by}`);
});
