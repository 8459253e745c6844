import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import { MemberSocketPool } from './member-socket-pool.ts';

let server: Server;
/** The member's side of each connection, in the order they were accepted. */
const accepted: Socket[] = [];
let member: MemberSpec;

before(async () => {
  server = createServer((socket) => {
    socket.on('error', () => {});
    accepted.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  member = {
    id: 'm1',
    name: '',
    address: '127.0.0.1',
    socketPath: null,
    port,
    weight: 1,
    backup: false,
    adminStateUp: true,
    monitorAddress: null,
    monitorPort: null,
  };
});
after(() => {
  for (const socket of accepted) socket.destroy();
  server.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits, at most 3 s, until `socket` is closed. */
async function closedSoon(socket: Socket): Promise<boolean> {
  for (let i = 0; i < 60 && !socket.destroyed; i++) await sleep(50);
  return socket.destroyed;
}

test('a released connection is taken again, most recent first, while within its idle time', async () => {
  const pool = new MemberSocketPool();
  const first = await pool.connect(member, 1_000, 10_000);
  const second = await pool.connect(member, 1_000, 10_000);
  assert.equal(first.reused, false);
  pool.release(first, 5_000);
  pool.release(second, 5_000);
  const taken = pool.takeIdle(member);
  assert.equal(taken, second);
  assert.equal(taken!.reused, true);
  assert.equal(pool.takeIdle(member), first);
  assert.equal(pool.takeIdle(member), undefined);
  pool.release(first, 5_000);
  pool.release(second, 5_000);
  pool.close();
  assert.ok(await closedSoon(first.socket));
  assert.ok(await closedSoon(second.socket));
});

test('past its idle time a connection is never taken, and the sweep closes it without being asked', async () => {
  const pool = new MemberSocketPool();
  const stale = await pool.connect(member, 1_000, 10_000);
  pool.release(stale, 20);
  await sleep(60);
  assert.equal(pool.takeIdle(member), undefined);
  assert.ok(await closedSoon(stale.socket));

  const swept = await pool.connect(member, 1_000, 10_000);
  pool.release(swept, 20);
  assert.ok(await closedSoon(swept.socket), 'closed by the sweep within about a second');
});

test('an idle connection the member writes to or closes is closed and leaves the pool', async () => {
  const pool = new MemberSocketPool();
  const before = accepted.length;
  const talked = await pool.connect(member, 1_000, 10_000);
  const ended = await pool.connect(member, 1_000, 10_000);
  for (let i = 0; i < 40 && accepted.length < before + 2; i++) await sleep(25);
  pool.release(talked, 5_000);
  pool.release(ended, 5_000);
  accepted[before]!.write('unasked');
  accepted[before + 1]!.end();
  assert.ok(await closedSoon(talked.socket));
  assert.ok(await closedSoon(ended.socket));
  assert.equal(pool.takeIdle(member), undefined);
});

test('an exchange using the connection hears its events; the data timeout is set for the connection', async () => {
  const pool = new MemberSocketPool();
  const before = accepted.length;
  const channel = await pool.connect(member, 1_000, 200);
  for (let i = 0; i < 40 && accepted.length <= before; i++) await sleep(25);
  const heard: string[] = [];
  channel.user = {
    memberData: (chunk) => heard.push(`data ${chunk}`),
    memberEnd: () => heard.push('end'),
    memberGone: () => heard.push('gone'),
    memberTimeout: () => heard.push('timeout'),
    memberDrain: () => heard.push('drain'),
  };
  accepted[before]!.write('answer');
  for (let i = 0; i < 40 && heard.length === 0; i++) await sleep(25);
  for (let i = 0; i < 40 && !heard.includes('timeout'); i++) await sleep(25);
  assert.deepEqual(heard, ['data answer', 'timeout']);
  channel.socket.destroy();
});
