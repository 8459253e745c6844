import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { setImmediate as turnEnds } from 'node:timers/promises';
import { WriteBurst } from './write-burst.ts';

/** What WriteBurst uses of a socket, recording the writes in the order they are made. */
function recorder(log: string[], name: string): Socket & { destroyed: boolean } {
  const socket = {
    destroyed: false,
    writableEnded: false,
    write(chunk: Buffer) {
      log.push(`${name}:${chunk.toString()}`);
      return true;
    },
    end(chunk: Buffer) {
      log.push(`${name}:${chunk.toString()}:end`);
      socket.writableEnded = true;
    },
  };
  return socket as unknown as Socket & { destroyed: boolean };
}

test('writes wait for the end of the turn, then go in the order they were made, a last one ending its socket', async () => {
  const log: string[] = [];
  const burst = new WriteBurst();
  const a = recorder(log, 'a');
  const b = recorder(log, 'b');
  burst.write(a, Buffer.from('1'));
  burst.write(b, Buffer.from('2'), true);
  burst.write(a, Buffer.from('3'));
  burst.write(b, Buffer.from('after its end'));
  assert.deepEqual(log, []);
  assert.equal(burst.turn, 0);
  await turnEnds();
  assert.deepEqual(log, ['a:1', 'b:2:end', 'a:3']);
  assert.equal(burst.turn, 1);
});

test('flush writes at once; a socket destroyed meanwhile is skipped; a later write waits for its own turn', async () => {
  const log: string[] = [];
  const burst = new WriteBurst();
  const a = recorder(log, 'a');
  const gone = recorder(log, 'gone');
  burst.write(a, Buffer.from('1'));
  burst.write(gone, Buffer.from('2'));
  gone.destroyed = true;
  burst.flush();
  assert.deepEqual(log, ['a:1']);
  assert.equal(burst.turn, 1);
  burst.flush();
  assert.equal(burst.turn, 1, 'nothing held, no turn');
  burst.write(a, Buffer.from('3'));
  assert.deepEqual(log, ['a:1']);
  await turnEnds();
  await turnEnds();
  assert.deepEqual(log, ['a:1', 'a:3']);
  assert.equal(burst.turn, 2);
});
