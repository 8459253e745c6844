/** Access logs of the proxy data plane, read back and parsed: one line per HTTP request and per TCP connection. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Harness, type Json } from '../api/harness.ts';
import { connectAndTalk, startLineServer } from './support/line-servers.ts';

const HTTPLOG =
  /^(?<client>[\d.]+):(?<port>\d+) \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2}\.\d{3}\] (?<listener>\S+) (?<pool>\S+)\/(?<member>\S+) 0\/0\/\d+\/\d+\/\d+ (?<status>\d{3}) (?<bytes>\d+) - - (?<state>\S{4}) 0\/0\/0\/0\/0 0\/0 "(?<request>[^"]*)"$/;
const TCPLOG =
  /^(?<client>[\d.]+):(?<port>\d+) \[[^\]]+\] (?<listener>\S+) (?<pool>\S+)\/(?<member>\S+) 0\/\d+\/\d+ (?<bytes>\d+) (?<state>\S{2}) 0\/0\/0\/0\/0 0\/0$/;

function httpGet(url: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function linesOf(path: string, count: number): Promise<string[]> {
  for (let i = 0; i < 50; i++) {
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    if (lines.length >= count) return lines;
    await sleep(50);
  }
  throw new Error(`fewer than ${count} lines in ${path}`);
}

for (const format of ['httplog', 'json'] as const) {
  describe(`access log, ${format}`, () => {
    let h: Harness;
    let logPath: string;
    const closers: (() => unknown)[] = [];

    before(async () => {
      logPath = join(process.env.TMPDIR ?? '/tmp', `weir-access-${format}-${process.pid}.log`);
      h = await Harness.start({ yaml: `access_log:\n  path: ${logPath}\n  format: ${format}\n` });
    });
    after(async () => {
      await h.close();
      for (const close of closers) await close();
      rmSync(logPath, { force: true });
    });

    test('an HTTP request and a TCP connection each leave one line naming the client', async () => {
      const httpMember = createServer((_q, s) => s.end('ok'));
      httpMember.listen(0, '127.0.0.71');
      await once(httpMember, 'listening');
      closers.push(() => httpMember.close());
      const tcpMember = await startLineServer('127.0.0.72');
      closers.push(tcpMember.close);
      const lb = await h.createLb({ provider: 'proxy' });
      const web = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 8300 });
      const webPool = await h.createPool(lb.id, { listener_id: web.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
      const webMember = await h.createMember(lb.id, webPool.id, {
        address: '127.0.0.71',
        protocol_port: (httpMember.address() as { port: number }).port,
      });
      const tcp = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: 8301 });
      const tcpPool = await h.createPool(lb.id, { listener_id: tcp.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
      await h.createMember(lb.id, tcpPool.id, { address: tcpMember.address, protocol_port: tcpMember.port });

      assert.equal(await httpGet(`http://${lb.vip_address}:8300/hello?x=1`, '127.0.0.77'), 200);
      const talk = await connectAndTalk(lb.vip_address, 8301, 'logged', { localAddress: '127.0.0.78' });
      const lines = await linesOf(logPath, 2);
      const records: Json[] =
        format === 'json'
          ? lines.map((line) => JSON.parse(line))
          : lines.map((line) => ({ ...(HTTPLOG.exec(line) ?? TCPLOG.exec(line))?.groups, line }));
      const web1 = records.find((r) => (r.listener ?? r.listenerId) === web.id)!;
      const tcp1 = records.find((r) => (r.listener ?? r.listenerId) === tcp.id)!;
      assert.ok(web1 && tcp1, `unparsed: ${lines.join('\n')}`);
      if (format === 'json') {
        assert.equal(web1.clientAddress, '127.0.0.77');
        assert.equal(web1.status, 200);
        assert.equal(web1.path, '/hello?x=1');
        assert.equal(web1.memberId, webMember.id);
        assert.equal(tcp1.clientAddress, '127.0.0.78');
        assert.equal(tcp1.bytesOut, talk.received);
      } else {
        assert.equal(web1.client, '127.0.0.77');
        assert.equal(web1.status, '200');
        assert.equal(web1.request, 'GET /hello?x=1 HTTP/1.1');
        assert.equal(web1.member, webMember.id);
        assert.equal(web1.state, '----');
        assert.equal(tcp1.client, '127.0.0.78');
        assert.equal(Number(tcp1.bytes), talk.received);
      }
    });
  });
}
