import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import { kept } from './member-channel.ts';
import { MemberSocketPool } from './member-socket-pool.ts';

/** What a plain member connection reads into: a view of a buffer this size is one read's buffer, not a copy. */
const READ_BUFFER_BYTES = 64 * 1024;

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

test('small reads of a streamed answer are handed on as copies, not as views of a 64 KiB read buffer', async () => {
  const before = accepted.length;
  const channel = await new MemberSocketPool().connect(member, 1_000, 10_000);
  for (let i = 0; i < 40 && accepted.length <= before; i++) await sleep(25);
  const memberSide = accepted[before]!;
  /** What the relay would queue for the client: each read as `kept` gives it. */
  const handedOn: Buffer[] = [];
  channel.user = {
    memberData: (chunk) => handedOn.push(kept(chunk)),
    memberEnd: () => {},
    memberGone: () => {},
    memberTimeout: () => {},
    memberDrain: () => {},
  };
  // An answer going on past the read that brought its head, as a slow event stream: one small piece per read. The
  // buffer of the first read was chosen before; the later ones read into the channel's own buffer.
  channel.streaming = true;
  const pieces = ['data: 1\n\n', 'data: 2\n\n', `data: ${'x'.repeat(8 * 1024)}\n\n`, 'data: 4\n\n'];
  for (const piece of pieces) {
    const seen = handedOn.length;
    memberSide.write(piece);
    for (let i = 0; i < 200 && handedOn.length === seen; i++) await sleep(5);
  }
  assert.deepEqual(handedOn.map(String), pieces, 'each piece came in a read of its own');
  for (const [i, chunk] of handedOn.entries()) {
    assert.ok(chunk.buffer.byteLength < READ_BUFFER_BYTES, `piece ${i} holds a ${chunk.buffer.byteLength}-byte buffer`);
  }
  channel.socket.destroy();
});
