import type { Socket } from 'node:net';

/**
 * Small writes held until the event loop has run the I/O callbacks of its turn, then made back to back. Waking the
 * process that reads a socket is a large part of a write's cost (a profile of the proxy under load put 16% of its
 * time in the kernel's wake-up path): a reader the first write of a burst woke is still running for the rest of it,
 * where writes spread over the turn, between the parsing of one request and the next, wake it every time.
 */
export class WriteBurst {
  private readonly sockets: Socket[] = [];
  private readonly chunks: Buffer[] = [];
  /** Whether the socket is ended after its chunk. */
  private readonly last: boolean[] = [];
  private scheduled = false;
  /** Counts the flushes: a writer that held a write in turn `turn` knows whether it left. */
  turn = 0;

  /** Writes `chunk` to `socket` at the end of this turn, after the writes held before it; with `last`, then ends it. */
  write(socket: Socket, chunk: Buffer, last = false): void {
    this.sockets.push(socket);
    this.chunks.push(chunk);
    this.last.push(last);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Makes the held writes now: for a write, an end or a hand-over that must come after them. */
  readonly flush = (): void => {
    if (this.sockets.length === 0) return;
    this.scheduled = false;
    this.turn++;
    const { sockets, chunks, last } = this;
    for (let i = 0; i < sockets.length; i++) {
      const socket = sockets[i]!;
      // A connection that went away meanwhile loses what it would have been sent, as it would have anyway.
      if (socket.destroyed || socket.writableEnded) continue;
      if (last[i]) socket.end(chunks[i]!);
      else socket.write(chunks[i]!);
    }
    sockets.length = 0;
    chunks.length = 0;
    last.length = 0;
  };
}
