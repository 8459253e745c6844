/**
 * The point of the proxy provider: every member learns the client's own address. Each client connects from a
 * source address of its own, so the test proves the member saw exactly that client.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { subnetIdFor } from '../../../src/network/stable-id.ts';
import { Harness, type Json } from '../api/harness.ts';
import { connectAndTalk, startLineServer } from './support/line-servers.ts';

describe('proxy provider: the client address reaches the member', () => {
  let h: Harness;
  let lb: Json;
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    h = await Harness.start({
      yaml: [
        'subnets:',
        '  - {name: v4, cidr: 127.0.0.0/8, allocation_pools: [{start: 127.0.110.1, end: 127.0.110.50}]}',
        '  - {name: v6, cidr: "::1/128"}',
      ].join('\n'),
    });
    lb = await h.createLb({ provider: 'proxy' });
  });
  after(async () => {
    await h.close();
    for (const close of closers) await close();
  });

  /** A listener whose pool's one member reads a PROXY protocol header, greets with the client it names and echoes. */
  async function proxiedService(protocol: string, port: number, poolProtocol: string, memberAddress: string) {
    const member = await startLineServer(memberAddress, { proxyProtocol: true });
    closers.push(member.close);
    const listener = await h.createListener(lb.id, { protocol, protocol_port: port });
    const pool = await h.createPool(lb.id, {
      listener_id: listener.id,
      protocol: poolProtocol,
      lb_algorithm: 'ROUND_ROBIN',
    });
    await h.createMember(lb.id, pool.id, { address: member.address, protocol_port: member.port });
    return { member, listener };
  }

  for (const [protocol, version] of [
    ['PROXY', 1],
    ['PROXYV2', 2],
  ] as const) {
    test(`a ${protocol} pool's member reads the client from a v${version} header`, async () => {
      const port = 7100 + version;
      const { member, listener } = await proxiedService('TCP', port, protocol, '127.0.0.31');
      for (const source of ['127.0.0.77', '127.0.0.78']) {
        const talk = await connectAndTalk(lb.vip_address, port, 'hi', { localAddress: source });
        assert.equal(talk.peer.split(':')[0], source);
        assert.equal(talk.echo, 'hi');
      }
      const header = member.headers.at(-1)!;
      assert.equal(header.version, version);
      assert.deepEqual((header.destination as Json).address, lb.vip_address);
      assert.equal((header.destination as Json).port, port);
      if (version === 2) {
        assert.equal(header.crc32c, true);
        assert.ok(header.tlvs.some((t) => t.type === 'unique-id'));
      }
      const tree = (await h.get(`loadbalancers/${lb.id}/status`)).body.statuses.loadbalancer as Json;
      const entry = tree.listeners.find((l: Json) => l.id === listener.id);
      assert.equal(entry.client_address, `PROXY protocol v${version} header`);
    });
  }

  test('over IPv6 the member reads the IPv6 client', async () => {
    const v6 = await h.createLb({ provider: 'proxy', vip_subnet_id: subnetIdFor('v6') });
    assert.equal(v6.vip_address, '::1');
    const member = await startLineServer('127.0.0.32', { proxyProtocol: true });
    closers.push(member.close);
    const listener = await h.createListener(v6.id, { protocol: 'TCP', protocol_port: 7106 });
    const pool = await h.createPool(v6.id, {
      listener_id: listener.id,
      protocol: 'PROXYV2',
      lb_algorithm: 'SOURCE_IP',
    });
    await h.createMember(v6.id, pool.id, { address: member.address, protocol_port: member.port });
    const talk = await connectAndTalk('::1', 7106, 'six', { localAddress: '::1' });
    assert.match(talk.peer, /^::1:\d+$/);
    assert.equal(member.headers.at(-1)!.family, 'inet6');
  });

  test("TLS passed through to a PROXYV2 pool: the member gets the client's server name, then the TLS bytes untouched", async () => {
    const hello = await clientHello('App.Example.org');
    const { member } = await proxiedService('HTTPS', 7107, 'PROXYV2', '127.0.0.33');
    // The member greets, then echoes what followed the header: the ClientHello exactly as the client sent it.
    const echoed = await sendAndRead(lb.vip_address, 7107, hello, '127.0.0.79');
    const greeting = `${member.name} 127.0.0.79:`;
    assert.ok(echoed.toString('latin1').startsWith(greeting));
    assert.deepEqual(echoed.subarray(echoed.indexOf(0x0a) + 1), hello);
    assert.deepEqual(
      member.headers.at(-1)!.tlvs.find((t) => t.type === 'authority'),
      { type: 'authority', value: 'app.example.org' },
    );
  });

  test('a client that stops sending halfway through its hello still has its bytes relayed, without a name', async () => {
    const hello = await clientHello('half.example');
    const { member } = await proxiedService('HTTPS', 7109, 'PROXYV2', '127.0.0.35');
    const half = hello.subarray(0, 50);
    const echoed = await sendAndRead(lb.vip_address, 7109, half, '127.0.0.79', { end: true });
    assert.deepEqual(echoed.subarray(echoed.indexOf(0x0a) + 1), half);
    assert.equal(
      member.headers.at(-1)!.tlvs.find((t) => t.type === 'authority'),
      undefined,
    );
  });

  test('HTTP to a PROXYV2 pool: each request goes with a header naming the client, and the Host names the authority', async () => {
    const { member } = await proxiedService('HTTP', 7108, 'PROXYV2', '127.0.0.34');
    const request = Buffer.from('GET / HTTP/1.1\r\nHost: Shop.Example.org:7108\r\nConnection: close\r\n\r\n');
    // The member is no HTTP server: the answer is weir's 502, but the member has read the header by then.
    assert.match(String(await sendAndRead(lb.vip_address, 7108, request, '127.0.0.79')), /^HTTP\/1\.1 502 /);
    const header = member.headers.at(-1)!;
    assert.equal((header.source as Json).address, '127.0.0.79');
    assert.deepEqual(
      header.tlvs.find((t) => t.type === 'authority'),
      { type: 'authority', value: 'shop.example.org' },
    );
  });
});

/** The first bytes Node's TLS client sends for `servername`, captured by a plain TCP server. */
async function clientHello(servername: string): Promise<Buffer> {
  const capture = createServer();
  capture.listen(0, '127.0.0.1');
  await once(capture, 'listening');
  const got = once(capture, 'connection') as Promise<[Socket]>;
  const client = tlsConnect({ host: '127.0.0.1', port: (capture.address() as { port: number }).port, servername });
  client.on('error', () => {});
  const [socket] = await got;
  const [bytes] = (await once(socket, 'data', { signal: AbortSignal.timeout(5_000) })) as [Buffer];
  client.destroy();
  socket.destroy();
  capture.close();
  return bytes;
}

/** Sends `bytes` from `source` (then half-closes, with `end`) and reads until the other end closes or 2 s pass. */
async function sendAndRead(
  host: string,
  port: number,
  bytes: Buffer,
  source: string,
  options: { end?: boolean } = {},
): Promise<Buffer> {
  const socket = connect({ host, port, localAddress: source, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  if (options.end) socket.end(bytes);
  else socket.write(bytes);
  await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  socket.destroy();
  return Buffer.concat(chunks);
}
