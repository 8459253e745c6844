import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { TestCa } from '../../../test/support/test-pki.ts';
import { readIntoUserBuffers } from './socket-user-buffer.ts';

/** A server whose accepted connections are handed to `accepted` before they read (as the listeners' are). */
async function serverOf(accepted: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer({ pauseOnConnect: true }, accepted);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** Resolves once `done` holds, checked at each read; rejects after 5 s. */
function until(done: () => boolean): { check: () => void; reached: Promise<void> } {
  let resolve = () => {};
  const reached = new Promise<void>((ok, fail) => {
    resolve = ok;
    setTimeout(() => fail(new Error('not reached within 5 s')), 5_000).unref();
  });
  return { check: () => done() && resolve(), reached };
}

describe('reading accepted sockets into buffers of our own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-user-buffer-'));
  let ca: TestCa;
  const servers: Server[] = [];
  before(() => {
    ca = TestCa.create(dir);
  });
  after(() => {
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a plain connection reads into the buffers given, each asked for after the read before it', async () => {
    const buffers = [Buffer.alloc(64), Buffer.alloc(64)];
    let asked = 0;
    const reads: string[] = [];
    const seen: Buffer[] = [];
    const first = until(() => reads.length === 1);
    const all = until(() => reads.join('') === 'onetwo');
    const { server, port } = await serverOf((socket) => {
      const installed = readIntoUserBuffers(
        socket,
        () => buffers[asked++ % 2]!,
        function (bytes, buffer) {
          assert.equal(this, socket);
          seen.push(buffer);
          reads.push(buffer.toString('latin1', 0, bytes));
          first.check();
          all.check();
          return true;
        },
      );
      assert.ok(installed);
      socket.on('data', () => assert.fail('no data events once read into our buffers'));
      socket.resume();
    });
    servers.push(server);
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    client.write('one');
    await first.reached;
    client.write('two');
    await all.reached;
    client.destroy();
    assert.equal(seen[0], buffers[0]);
    assert.equal(seen[1], buffers[1]);
  });

  test('a TLS connection accepted by a server reads its decrypted bytes into the buffer given', async () => {
    const issued = ca.issue({ commonName: 'localhost' });
    const mine = Buffer.alloc(1024);
    let text = '';
    const all = until(() => text === 'hello over tls');
    const { server, port } = await serverOf((raw) => {
      const secure = new TLSSocket(raw, { isServer: true, cert: issued.certPem, key: issued.keyPem });
      secure.once('secure', () => {
        assert.ok(
          readIntoUserBuffers(
            secure,
            () => mine,
            (bytes, buffer) => {
              assert.equal(buffer, mine);
              text += buffer.toString('latin1', 0, bytes);
              all.check();
              return true;
            },
          ),
        );
      });
    });
    servers.push(server);
    const client = tlsConnect({ port, host: '127.0.0.1', ca: ca.certPem, servername: 'localhost' });
    await once(client, 'secureConnect');
    client.write('hello over tls');
    await all.reached;
    client.destroy();
  });

  test('reads stop while paused and go on when resumed; bytes pushed by the reader flow as a stream, and the end comes', async () => {
    const mine = Buffer.alloc(4);
    let direct = 0;
    let streamed = '';
    let serverSide: Socket | undefined;
    const { server, port } = await serverOf((socket) => {
      serverSide = socket;
      readIntoUserBuffers(
        socket,
        () => mine,
        function (bytes, buffer) {
          const chunk = Buffer.from(buffer.subarray(0, bytes));
          // The first read is taken here, the rest go on to the stream's readers.
          if (direct++ === 0) {
            this.pause();
            return true;
          }
          return this.push(chunk);
        },
      );
      socket.resume();
    });
    servers.push(server);
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    client.write('abcd');
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.write('efghij');
    client.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(direct, 1, 'a paused socket does not read');
    const socket = serverSide!;
    socket.on('data', (chunk: Buffer) => {
      streamed += chunk.toString('latin1');
    });
    const ended = once(socket, 'end');
    socket.resume();
    await ended;
    assert.equal(streamed, 'efghij');
    socket.destroy();
  });
});
