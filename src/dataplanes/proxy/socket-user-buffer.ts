import { Socket } from 'node:net';

/**
 * Reads of an accepted socket into a buffer of weir's choosing. Node takes a socket's `onread` option only for
 * sockets it creates, not for those a server accepts or for TLS over them, and otherwise allocates 64 KiB per read
 * (plain) or a buffer per decrypted record (TLS), and pushes each through the socket's Readable. The option's state
 * lives under symbols Node does not export: they are found on a socket made with the option, and without them
 * (another Node) accepted sockets read as streams.
 */
const NODE_SYMBOLS = (() => {
  const options = { onread: { buffer: Buffer.alloc(1), callback: () => true } };
  const probe = new Socket(options as ConstructorParameters<typeof Socket>[0]);
  const named = (description: string) => Object.getOwnPropertySymbols(probe).find((s) => s.description === description);
  const [buffer, callback, next] = [named('kBuffer'), named('kBufferCb'), named('kBufferGen')];
  probe.destroy();
  return buffer && callback && next ? { buffer, callback, next } : null;
})();

/** Called with each read's length; false stops reading until the socket is resumed, as a full Readable does. */
export type UserBufferRead<S extends Socket = Socket> = (this: S, bytes: number, buffer: Buffer) => boolean;

/**
 * Makes the socket's reads land in the buffers `next` gives (asked for one before the first read and after each),
 * `read` called with each: true when done, false when the socket reads as a stream (no handle, or a Node without the
 * option's symbols). From then on the socket emits no 'data' (`read` may push into it to read it as a stream again),
 * and `pause` stops its reads, as for a socket made with `onread`.
 */
export function readIntoUserBuffers<S extends Socket>(socket: S, next: () => Buffer, read: UserBufferRead<S>): boolean {
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: (buffer: Buffer) => void } })._handle;
  if (NODE_SYMBOLS === null || typeof handle?.useUserBuffer !== 'function') return false;
  const state = socket as unknown as Record<symbol, unknown>;
  const buffer = next();
  state[NODE_SYMBOLS.buffer] = buffer;
  state[NODE_SYMBOLS.callback] = read;
  state[NODE_SYMBOLS.next] = next;
  handle.useUserBuffer(buffer);
  return true;
}
