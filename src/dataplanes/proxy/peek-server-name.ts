import type { Socket } from 'node:net';
import { CLIENT_HELLO_MAX_BYTES, readClientHello } from '../../protocols/tls/client-hello.ts';

/**
 * Reads the client's first bytes until its TLS ClientHello is whole (or is not one, or `waitMs` passed) and puts
 * them back, untouched, to be relayed. Resolves with the server name it asked for, or null. The client is paused
 * again when this resolves.
 */
export function peekServerName(client: Socket, waitMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    let seen: Buffer | null = null;
    const finish = (name: string | null) => {
      clearTimeout(timer);
      client.removeListener('data', onData);
      client.removeListener('close', onClose);
      client.pause();
      if (seen) client.unshift(seen);
      resolve(name);
    };
    const onData = (chunk: Buffer) => {
      seen = seen ? Buffer.concat([seen, chunk]) : chunk;
      const hello = readClientHello(seen);
      if (hello.status === 'need-more' && seen.length < CLIENT_HELLO_MAX_BYTES) return;
      finish(hello.status === 'ok' ? hello.serverName : null);
    };
    const onClose = () => finish(null);
    const timer = setTimeout(() => finish(null), waitMs);
    client.on('data', onData);
    client.once('close', onClose);
    client.resume();
  });
}
