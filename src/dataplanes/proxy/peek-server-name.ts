import type { Socket } from 'node:net';
import { GrowingBuffer } from '../../protocols/buffering/growing-buffer.ts';
import {
  CLIENT_HELLO_MAX_BYTES,
  type ClientHelloProgress,
  readClientHello,
  startOfClientHello,
} from '../../protocols/tls/client-hello.ts';

export interface Peeked {
  /** The server name the ClientHello asked for, or null. */
  serverName: string | null;
  /** Bytes read that could not be put back because the client had finished sending; the relay sends them first. */
  unread: Buffer | null;
}

/**
 * Reads the client's first bytes until its TLS ClientHello is whole (or is not one, or `waitMs` passed) and puts
 * them back, untouched, to be relayed. Resolves with the server name it asked for, or null. The client is paused
 * again when this resolves. A hello in one chunk (the usual case) is read where it lies; one trickled in many costs
 * work linear in its length, however small its chunks and records.
 */
export function peekServerName(client: Socket, waitMs: number): Promise<Peeked> {
  return new Promise((resolve) => {
    let seen: Buffer | null = null;
    // Only once the hello comes in more than one chunk.
    let kept: GrowingBuffer | undefined;
    let progress: ClientHelloProgress | undefined;
    const finish = (serverName: string | null) => {
      clearTimeout(timer);
      client.removeListener('data', onData);
      client.removeListener('close', onClose);
      client.removeListener('end', onClose);
      client.pause();
      const ended = client.readableEnded;
      if (seen && !ended) client.unshift(seen);
      resolve({ serverName, unread: ended ? seen : null });
    };
    const onData = (chunk: Buffer) => {
      if (seen === null) {
        seen = chunk;
      } else {
        if (kept === undefined) {
          kept = new GrowingBuffer();
          kept.append(seen);
        }
        seen = kept.append(chunk);
      }
      const hello = readClientHello(seen, progress);
      if (hello.status === 'need-more' && seen.length < CLIENT_HELLO_MAX_BYTES) {
        progress ??= startOfClientHello();
        return;
      }
      finish(hello.status === 'ok' ? hello.serverName : null);
    };
    const onClose = () => finish(null);
    const timer = setTimeout(() => finish(null), waitMs);
    client.on('data', onData);
    // A client that stops sending before its hello is whole has no name to give.
    client.once('close', onClose);
    client.once('end', onClose);
    client.resume();
  });
}
