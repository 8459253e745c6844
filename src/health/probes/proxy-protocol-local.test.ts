import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import type { ProxyHeader } from '../../protocols/proxy-protocol/header.ts';
import { ProxyHeaderDecoder } from '../../protocols/proxy-protocol/stream-decoder.ts';
import { monitorSpec } from '../testing/monitor-spec-for-test.ts';
import { httpProbe } from './http.ts';
import { tcpProbe } from './tcp.ts';

/** A member of a PROXY pool: it refuses anything that does not start with a PROXY header, then answers HTTP 200. */
let server: Server;
let port: number;
const headers: ProxyHeader[] = [];

before(async () => {
  server = createServer((socket) => {
    const decoder = new ProxyHeaderDecoder();
    socket.on('error', () => {});
    const onData = (chunk: Buffer) => {
      const result = decoder.push(chunk);
      if (result.status === 'need-more') return;
      socket.removeListener('data', onData);
      if (result.status === 'error') return socket.destroy();
      headers.push(result.header);
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const spec = monitorSpec({ type: 'HTTP', timeout: 1 });
const signal = () => AbortSignal.timeout(5_000);

test('probes of a PROXY pool send a LOCAL header first, in the version the pool speaks', async () => {
  const v2 = await httpProbe.probe({ address: '127.0.0.1', port, proxyProtocol: 2 }, spec, signal());
  assert.equal(v2.ok, true, v2.reason);
  assert.equal(headers.at(-1)!.version, 2);
  assert.equal(headers.at(-1)!.command, 'local');
  const v1 = await httpProbe.probe({ address: '127.0.0.1', port, proxyProtocol: 1 }, spec, signal());
  assert.equal(v1.ok, true, v1.reason);
  assert.equal(headers.at(-1)!.version, 1);
  assert.equal(headers.at(-1)!.family, 'unspec');
});

test('without the header such a member fails the HTTP check, as it would fail HAProxy', async () => {
  const plain = await httpProbe.probe({ address: '127.0.0.1', port }, spec, signal());
  assert.equal(plain.ok, false);
  const tcp = await tcpProbe.probe(
    { address: '127.0.0.1', port, proxyProtocol: 2 },
    { ...spec, type: 'TCP' },
    signal(),
  );
  assert.equal(tcp.ok, true);
});
