import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { member } from '../../../test/support/kernel-spec.ts';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import { kept, MemberChannel } from './member-channel.ts';

/** What a plain member connection reads into: a view of a buffer this size is one read's buffer, not a copy. */
const READ_BUFFER_BYTES = 64 * 1024;

let server: Server;
const accepted: Socket[] = [];
let target: MemberSpec;

before(async () => {
  server = createServer((socket) => {
    socket.on('error', () => {});
    accepted.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  target = member('m1', '127.0.0.1', { port: (server.address() as { port: number }).port });
});
after(() => {
  for (const socket of accepted) socket.destroy();
  server.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('small reads of a streamed answer are handed on as copies, not as views of a 64 KiB read buffer', async () => {
  const channel = await MemberChannel.open(target, 1_000, 10_000, null, () => {});
  for (let i = 0; i < 40 && accepted.length === 0; i++) await sleep(25);
  const memberSide = accepted.at(-1)!;
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
    const before = handedOn.length;
    memberSide.write(piece);
    for (let i = 0; i < 200 && handedOn.length === before; i++) await sleep(5);
  }
  assert.deepEqual(handedOn.map(String), pieces, 'each piece came in a read of its own');
  for (const [i, chunk] of handedOn.entries()) {
    assert.ok(chunk.buffer.byteLength < READ_BUFFER_BYTES, `piece ${i} holds a ${chunk.buffer.byteLength}-byte buffer`);
  }
  channel.socket.destroy();
});
