import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { connect } from 'node:tls';
import { peekServerName } from './peek-server-name.ts';

/** The first bytes Node's TLS client sends for `servername`: its ClientHello, caught without a network. */
async function clientHello(servername: string): Promise<Buffer> {
  const sent: Buffer[] = [];
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      sent.push(chunk);
      done();
    },
  });
  const client = connect({ socket: wire, servername });
  client.on('error', () => {});
  while (sent.length === 0) await nextTurn();
  client.destroy();
  return Buffer.concat(sent);
}

test('a ClientHello that arrives one byte per chunk is read, and its bytes are put back untouched', async () => {
  const hello = await clientHello('trickle.example');
  const client = new PassThrough();
  let chunks = 0;
  client.on('data', () => chunks++);
  const peeked = peekServerName(client as unknown as Socket, 60_000);
  for (let i = 0; i < hello.length; i++) {
    client.write(hello.subarray(i, i + 1));
    // Each byte is a chunk of its own: nothing is written until the previous one was read.
    await nextTurn();
  }
  const { serverName, unread } = await peeked;
  assert.equal(serverName, 'trickle.example');
  assert.equal(unread, null);
  assert.equal(chunks, hello.length);
  assert.deepEqual(client.read(), hello);
});
