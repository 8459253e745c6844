/** Members that are local Unix sockets, under a directory the operator allowed, behind TCP and HTTP listeners. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Harness, type Json } from '../api/harness.ts';

let h: Harness;
let dir: string;
let lb: Json;
const closers: (() => void)[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weir-sockets-'));
  h = await Harness.start({ yaml: `tenancy:\n  unix_socket_directories: [${dir}]\n` });
  lb = await h.createLb({ provider: 'proxy' });
});
after(async () => {
  await h.close();
  for (const close of closers) close();
  rmSync(dir, { recursive: true, force: true });
});

test('an HTTP listener relays to a socket member, with the client in X-Forwarded-For', async () => {
  const path = join(dir, 'app.sock');
  const server = createServer((req, res) => res.end(`socket member sees ${req.headers['x-forwarded-for']}`));
  server.listen(path);
  await once(server, 'listening');
  closers.push(() => server.close());
  const listener = await h.createListener(lb.id, {
    protocol: 'HTTP',
    protocol_port: 8200,
    insert_headers: { 'X-Forwarded-For': 'true' },
  });
  const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
  await h.createMember(lb.id, pool.id, { address: `unix:${path}`, protocol_port: 80 });
  const response = await fetch(`http://${lb.vip_address}:8200/`);
  assert.equal(await response.text(), 'socket member sees 127.0.0.1');
});

test('a TCP listener relays to a socket member', async () => {
  const path = join(dir, 'tcp.sock');
  const server = createTcpServer((socket) => socket.pipe(socket));
  server.listen(path);
  await once(server, 'listening');
  closers.push(() => server.close());
  const listener = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: 8201 });
  const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
  await h.createMember(lb.id, pool.id, { address: `unix:${path}`, protocol_port: 80 });
  const client = connect({ host: lb.vip_address, port: 8201 });
  client.end('through a socket');
  let echoed = '';
  for await (const chunk of client) echoed += chunk;
  assert.equal(echoed, 'through a socket');
});
