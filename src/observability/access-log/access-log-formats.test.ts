import assert from 'node:assert/strict';
import { test } from 'node:test';
import { haproxyLine, jsonLine } from './access-log-formats.ts';
import type { AccessRecord } from './access-record.ts';

const http: AccessRecord = {
  start: Date.UTC(2026, 10, 27, 19, 30, 5, 7),
  protocol: 'HTTP',
  listenerId: 'l1',
  poolId: 'p1',
  memberId: 'm1',
  clientAddress: '192.0.2.60',
  clientPort: 51234,
  connectMs: 1,
  responseMs: 3,
  totalMs: 4,
  status: 200,
  bytesIn: 80,
  bytesOut: 467,
  method: 'GET',
  path: '/a "b"',
  httpVersion: '1.1',
  termination: null,
};

test("HTTP requests are written in HAProxy's httplog layout", () => {
  assert.equal(
    haproxyLine(http),
    '192.0.2.60:51234 [27/Nov/2026:19:30:05.007] l1 p1/m1 0/0/1/3/4 200 467 - - ---- 0/0/0/0/0 0/0 "GET /a \\x22b\\x22 HTTP/1.1"',
  );
});

test('TCP connections in its tcplog layout, IPv6 clients bracketed, no server as <NOSRV>', () => {
  const tcp: AccessRecord = {
    ...http,
    protocol: 'TCP',
    clientAddress: '2001:db8::17',
    memberId: null,
    connectMs: -1,
    status: 0,
    bytesOut: 0,
    termination: 'no-member',
  };
  assert.equal(
    haproxyLine(tcp),
    '[2001:db8::17]:51234 [27/Nov/2026:19:30:05.007] l1 p1/<NOSRV> 0/-1/4 0 SC 0/0/0/0/0 0/0',
  );
});

test('JSON lines name every fact, with an ISO time', () => {
  const parsed = JSON.parse(jsonLine(http));
  assert.equal(parsed.time, '2026-11-27T19:30:05.007Z');
  assert.equal(parsed.clientAddress, '192.0.2.60');
  assert.equal(parsed.status, 200);
  assert.equal(parsed.start, undefined);
});
