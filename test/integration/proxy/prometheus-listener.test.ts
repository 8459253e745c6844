/**
 * PROMETHEUS listeners through the API on the proxy provider (one worker process, as the harness runs it): the
 * load balancer's own metrics under Octavia's names, from traffic that really went through its HTTP and TCP
 * listeners, read by the project's strict exposition parser and by the Prometheus client library's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parsePrometheusText, sampleValue } from '../../support/prometheus-text.ts';
import { Harness, type Json } from '../api/harness.ts';

const PYTHON = '/usr/bin/python3';
/** Prints each sample the Prometheus client library reads as name, labels (JSON) and value, one per line. */
const PYTHON_PARSER = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        print(s.name, json.dumps(s.labels, sort_keys=True), s.value)
`;
const pythonClient = existsSync(PYTHON) && execFileSync(PYTHON, ['-c', 'import prometheus_client']).length === 0;

const UPGRADE = 'connection: upgrade\r\nupgrade: websocket\r\n';

const portOf = (server: Server | TcpServer) => (server.address() as { port: number }).port;

describe('PROMETHEUS listeners', () => {
  let h: Harness;
  let web: Server;
  let echo: TcpServer;
  let lb: Json;
  let other: Json;
  const ids: Record<string, string> = {};
  /** The pools' label values, `<pool id>:<listener id>` as the amphora names its backends. */
  const labels: Record<string, string> = {};

  before(async () => {
    h = await Harness.start();
    web = createServer((request, response) => {
      if (request.url === '/missing') response.statusCode = 404;
      response.end('hello');
    });
    // A WebSocket member: it switches on /ws and refuses other upgrades, then ends the connection either way.
    web.on('upgrade', (request: IncomingMessage, socket: Socket) => {
      if (request.url === '/ws')
        socket.end('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
      else socket.end('HTTP/1.1 426 Upgrade Required\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
    echo = createTcpServer((socket) => socket.pipe(socket));
    web.listen(0, '127.0.0.1');
    echo.listen(0, '127.0.0.1');
    await Promise.all([once(web, 'listening'), once(echo, 'listening')]);

    lb = await h.createLb({ provider: 'proxy' });
    const http = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 8080 });
    const httpPool = await h.createPool(lb.id, { listener_id: http.id, protocol: 'HTTP' });
    const live = await h.createMember(lb.id, httpPool.id, { address: '127.0.0.1', protocol_port: portOf(web) });
    const tcp = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: 9090 });
    const tcpPool = await h.createPool(lb.id, { listener_id: tcp.id, protocol: 'TCP' });
    const tcpMember = await h.createMember(lb.id, tcpPool.id, { address: '127.0.0.1', protocol_port: portOf(echo) });
    const metrics = await h.createListener(lb.id, { protocol: 'PROMETHEUS', protocol_port: 9100 });
    Object.assign(labels, {
      httpPool: `${httpPool.id}:${http.id}`,
      tcpPool: `${tcpPool.id}:${tcp.id}`,
    });
    Object.assign(ids, {
      http: http.id,
      httpPool: httpPool.id,
      live: live.id,
      tcp: tcp.id,
      tcpPool: tcpPool.id,
      tcpMember: tcpMember.id,
      metrics: metrics.id,
    });

    other = await h.createLb({ provider: 'proxy' });
    await h.createListener(other.id, { protocol: 'PROMETHEUS', protocol_port: 9100 });
    await h.createListener(other.id, { protocol: 'PROMETHEUS', protocol_port: 9101, allowed_cidrs: ['10.0.0.0/8'] });
  });

  after(async () => {
    await h.close();
    web.close();
    echo.close();
  });

  const scrape = async (vip: string, port = 9100) => {
    const response = await fetch(`http://${vip}:${port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  /** The HTTP listener's answers by status class, and its denied and malformed requests, as scraped. */
  const counts = async () => {
    const families = parsePrometheusText(await scrape(lb.vip_address));
    const listener = { listener: ids.http! };
    const byClass = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'].map((code) =>
      sampleValue(families, 'octavia_listener_http_responses_total', { ...listener, code }),
    );
    return {
      byClass,
      denied: sampleValue(families, 'octavia_listener_requests_denied_total', listener),
      errors: sampleValue(families, 'octavia_listener_request_errors_total', listener),
    };
  };

  /** All the HTTP listener sends back for `bytes`, until it ends the connection. */
  const exchange = async (bytes: string) => {
    const socket = connect({ host: lb.vip_address, port: 8080 });
    socket.write(bytes);
    let reply = '';
    for await (const chunk of socket) reply += String(chunk);
    return reply;
  };

  test('counts what went through the HTTP and TCP listeners, per listener, pool and member', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`http://${lb.vip_address}:8080/`);
      assert.equal(await response.text(), 'hello');
    }
    const socket = connect({ host: lb.vip_address, port: 9090 });
    socket.end('x'.repeat(1000));
    let echoed = 0;
    for await (const chunk of socket) echoed += (chunk as Buffer).length;
    assert.equal(echoed, 1000);

    // The TCP relay's counters are settled when its connection closes, a moment after the client's.
    let families = parsePrometheusText(await scrape(lb.vip_address));
    for (
      let i = 0;
      i < 50 && sampleValue(families, 'octavia_listener_bytes_in_total', { listener: ids.tcp! }) !== 1000;
      i++
    ) {
      await sleep(100);
      families = parsePrometheusText(await scrape(lb.vip_address));
    }
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(families, name, labels);
    assert.equal(value('octavia_listener_http_requests_total', { listener: ids.http! }), 5);
    assert.equal(value('octavia_listener_connections_total', { listener: ids.tcp! }), 1);
    assert.equal(value('octavia_listener_bytes_in_total', { listener: ids.tcp! }), 1000);
    assert.equal(value('octavia_listener_bytes_out_total', { listener: ids.tcp! }), 1000);
    assert.equal(value('octavia_listener_status', { listener: ids.http!, state: 'UP' }), 1);
    assert.equal(value('octavia_listener_status', { listener: ids.http!, state: 'DOWN' }), 0);
    assert.equal(value('octavia_loadbalancer_requests_total'), 5);
    assert.equal(value('octavia_loadbalancer_listeners'), 2, 'the PROMETHEUS listener itself is not counted');
    assert.equal(value('octavia_member_sessions_total', { pool: labels.httpPool!, member: ids.live! }), 5);
    assert.equal(value('octavia_member_sessions_total', { pool: labels.tcpPool!, member: ids.tcpMember! }), 1);
    assert.equal(value('octavia_member_current_sessions', { pool: labels.tcpPool!, member: ids.tcpMember! }), 0);
    assert.equal(value('octavia_member_status', { pool: labels.httpPool!, member: ids.live!, state: 'UP' }), 1);
    assert.equal(value('octavia_member_status', { pool: labels.httpPool!, member: ids.live!, state: 'DOWN' }), 0);
    assert.equal(value('octavia_member_weight', { pool: labels.httpPool!, member: ids.live! }), 1);
    assert.equal(value('octavia_pool_sessions_total', { pool: labels.httpPool! }), 5);
    assert.equal(value('octavia_pool_active_members', { pool: labels.httpPool! }), 1);
    assert.equal(value('octavia_pool_status', { pool: labels.httpPool!, state: 'UP' }), 1);
    const latency = { listener: ids.http! };
    assert.equal(value('weir_listener_request_duration_seconds_count', latency), 5);
    assert.equal(value('weir_listener_request_duration_seconds_bucket', { ...latency, le: '+Inf' }), 5);
    assert.ok(value('weir_listener_request_duration_seconds_sum', latency)! > 0);
    assert.equal(families.get('weir_listener_request_duration_seconds')?.type, 'histogram');
    assert.equal(value('weir_listener_request_duration_seconds_count', { listener: ids.tcp! }), undefined);
    assert.equal(families.get('octavia_listener_bytes_in_total')?.type, 'counter');
    assert.equal(families.get('octavia_member_status')?.type, 'gauge');
  });

  test('counts HTTP answers by status class on either path, and the requests an L7 policy rejected', async () => {
    const policy = await h.createL7Policy(lb.id, ids.http!, { position: 1 });
    await h.createRule(lb.id, policy.id, { value: '/denied' });
    const before = await counts();
    const missing = await fetch(`http://${lb.vip_address}:8080/missing`);
    assert.equal(missing.status, 404);
    await missing.text();
    const denied = await fetch(`http://${lb.vip_address}:8080/denied`);
    assert.equal(denied.status, 403);
    await denied.text();
    // HTTP/1.0 takes the general path, which ends the connection after its answer.
    assert.match(await exchange('GET / HTTP/1.0\r\nhost: x\r\n\r\n'), /^HTTP\/1\.1 200/);
    // An upgrade the policy rejects.
    const refused = await exchange(`GET /denied HTTP/1.1\r\nhost: x\r\n${UPGRADE}\r\n`);
    assert.match(refused, /^HTTP\/1\.1 403/);
    const after = await counts();
    assert.deepEqual(
      after.byClass.map((count, i) => count! - before.byClass[i]!),
      [0, 1, 0, 3, 0, 0],
      'one 2xx (general path), three 4xx (a member 404, the L7 403 and the upgrade the L7 policy refused)',
    );
    assert.equal(after.denied! - before.denied!, 2);
    await h.del(`l7policies/${policy.id}`);
  });

  test("counts members' answers to upgrades, and what Node's parser answers to heads it cannot read", async () => {
    const before = await counts();
    assert.match(await exchange(`GET /ws HTTP/1.1\r\nhost: x\r\n${UPGRADE}\r\n`), /^HTTP\/1\.1 101 /);
    assert.match(await exchange(`GET /no-ws HTTP/1.1\r\nhost: x\r\n${UPGRADE}\r\n`), /^HTTP\/1\.1 426 /);
    assert.equal(
      await exchange('GET / HTTP/1.1\r\nhost: x\r\nbad field\r\n\r\n'),
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
    );
    assert.equal(
      await exchange(`GET / HTTP/1.1\r\nhost: x\r\nx: ${'a'.repeat(17 * 1024)}\r\n\r\n`),
      'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
    );
    const after = await counts();
    assert.deepEqual(
      after.byClass.map((count, i) => count! - before.byClass[i]!),
      [1, 0, 0, 3, 0, 0],
      "one 1xx (the member's 101), three 4xx (the member's 426, Node's 400 and 431)",
    );
    assert.equal(after.errors! - before.errors!, 2, 'the two heads Node could not read are request errors');
  });

  test('a member found down by its health monitor, and one disabled, change their status', async () => {
    const dead = await h.createMember(lb.id, ids.httpPool!, { address: '127.0.0.1', protocol_port: 1 });
    await h.createHm(lb.id, ids.httpPool!, { type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 });
    let families = parsePrometheusText(await scrape(lb.vip_address));
    for (let i = 0; i < 100; i++) {
      const down = { pool: labels.httpPool!, member: dead.id, state: 'DOWN' };
      if (sampleValue(families, 'octavia_member_status', down) === 1) break;
      await sleep(100);
      families = parsePrometheusText(await scrape(lb.vip_address));
    }
    assert.equal(
      sampleValue(families, 'octavia_member_status', { pool: labels.httpPool!, member: dead.id, state: 'DOWN' }),
      1,
    );
    assert.equal(sampleValue(families, 'octavia_pool_active_members', { pool: labels.httpPool! }), 1);

    const disabled = await h.req('PUT', `pools/${ids.httpPool}/members/${ids.live}`, {
      member: { admin_state_up: false },
    });
    assert.equal(disabled.status, 200, disabled.text);
    await h.waitActive(lb.id);
    families = parsePrometheusText(await scrape(lb.vip_address));
    assert.equal(
      sampleValue(families, 'octavia_member_status', { pool: labels.httpPool!, member: ids.live!, state: 'MAINT' }),
      1,
    );
    assert.equal(sampleValue(families, 'octavia_pool_status', { pool: labels.httpPool!, state: 'DOWN' }), 1);
  });

  test("a load balancer's listener shows its own metrics only, honours allowed_cidrs, and serves /metrics alone", async () => {
    const text = await scrape(other.vip_address);
    for (const id of Object.values(ids)) assert.equal(text.includes(id), false, `${id} leaked`);
    assert.equal(sampleValue(parsePrometheusText(text), 'octavia_loadbalancer_listeners'), 0);
    assert.equal((await fetch(`http://${lb.vip_address}:9100/other`)).status, 404);
    await assert.rejects(fetch(`http://${other.vip_address}:9101/metrics`));
  });

  test("the Prometheus client library's parser reads the exposition", { skip: !pythonClient }, async () => {
    const text = await scrape(lb.vip_address);
    const lines = execFileSync(PYTHON, ['-c', PYTHON_PARSER], { input: text, encoding: 'utf8' }).trim().split('\n');
    const requests = lines.find((line) =>
      line.startsWith(`octavia_listener_http_requests_total {"listener": "${ids.http}"}`),
    );
    assert.ok(requests, text);
    assert.ok(Number(requests.split(' ').at(-1)) >= 5);
    assert.equal(lines.length, text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length);
  });
});
