import type { Socket } from 'node:net';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import { connectToMember } from './member-connection.ts';
import type { MemberTls } from './member-tls.ts';
import { HANDED_OVER_FROM, READ_BYTES } from './shared-reads.ts';

/** What an exchange hears of the member connection it uses. */
export interface MemberChannelUser {
  /**
   * Bytes from the member. On a plain connection they may sit in the read buffer every channel shares, valid only
   * during the call: whatever outlives it goes through `kept`.
   */
  memberData(chunk: Buffer): void;
  /** The member half-closed its side. */
  memberEnd(): void;
  /** An error or the close: the connection is of no more use; `failed` when it ended in an error (a reset). */
  memberGone(failed: boolean): void;
  /** The member sent nothing for the data timeout. */
  memberTimeout(): void;
  memberDrain(): void;
}

/** Where plain member connections read into while their answers fit in one read (shared-reads.ts). */
const SHARED_READS = Buffer.allocUnsafeSlow(READ_BYTES);

/** Whether the read being handled is in a buffer read into again (a flag: asking a view for its `buffer` costs a call into V8). */
let reusedRead = false;

/** `chunk`, or a copy of it while a read in a buffer read into again is handled: for bytes that must outlive the read. */
export function kept(chunk: Buffer): Buffer {
  return reusedRead ? Buffer.from(chunk) : chunk;
}

/**
 * A keep-alive connection to a member for the HTTP fast path, its listeners and its data timeout set once for its
 * whole life: the exchange using it is its `user` and hears its events; while it idles in its pool, anything it does
 * ends it. Adding and removing five listeners and re-arming a timer for each request cost more than the rest of
 * relaying a small one.
 */
export class MemberChannel {
  user: MemberChannelUser | null = null;
  /** Whether it carried an exchange before: a reused one may have been closed by its member meanwhile. */
  reused = false;
  /** While idle: the time (performance.now()) after which it is not worth reusing. */
  idleUntil = 0;
  /**
   * An answer goes on beyond the read that brought its head: the next reads go into a buffer of its own, whose large
   * reads the relay hands to the client without copying (then the next read takes a new buffer), as a body streams.
   */
  streaming = false;
  #socket: Socket | undefined;
  /** While streaming: the buffer of this channel's next read. */
  private ownReads: Buffer | null = null;
  /** The last read's bytes went on as they were, in `ownReads`: the next read needs another buffer. */
  private handedOver = false;

  /** A new connection to the member (its TLS handshake done) within the connect timeout, the data timeout set. */
  static async open(
    member: MemberSpec,
    connectTimeoutMs: number,
    dataTimeoutMs: number,
    tls: MemberTls | null,
    closed: (channel: MemberChannel) => void,
    serverName: string | null = null,
  ): Promise<MemberChannel> {
    const channel = new MemberChannel(member.id, dataTimeoutMs, serverName, tls);
    // TLS connections read as streams (node:tls takes no `onread`); their chunks are their own.
    const onread = tls === null ? { buffer: channel.nextReadBuffer, callback: channel.read } : undefined;
    channel.attach(await connectToMember(member, connectTimeoutMs, tls, { onread, serverName }), closed);
    return channel;
  }

  private constructor(
    readonly memberId: string,
    private dataTimeoutMs: number,
    /** The server name its TLS handshake sent (the client's), or null: it carries requests of that name only. */
    readonly serverName: string | null,
    /** The pool's TLS settings it was made with (null: plain); under others it is not reused. */
    readonly tls: MemberTls | null,
  ) {}

  get socket(): Socket {
    return this.#socket!;
  }

  private attach(socket: Socket, closed: (channel: MemberChannel) => void): void {
    this.#socket = socket;
    socket.setTimeout(this.dataTimeoutMs);
    if ((socket as { encrypted?: boolean }).encrypted) socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('end', () => {
      if (this.user) this.user.memberEnd();
      else socket.destroy();
    });
    socket.on('timeout', () => {
      if (this.user) this.user.memberTimeout();
      else socket.destroy();
    });
    socket.on('drain', () => this.user?.memberDrain());
    // A close always follows an error; an idle connection has nobody to tell.
    socket.on('error', () => this.user?.memberGone(true));
    socket.on('close', (hadError: boolean) => {
      this.user?.memberGone(hadError);
      closed(this);
    });
  }

  private data(chunk: Buffer): void {
    // A member has nothing to say on an idle connection: whatever it sends would be taken for the next answer.
    if (this.user) this.user.memberData(chunk);
    else this.#socket?.destroy();
  }

  /** `onread`: what came is in the buffer the last `nextReadBuffer` gave. */
  private readonly read = (bytes: number, buffer: Buffer): boolean => {
    const reused = buffer === SHARED_READS || bytes < HANDED_OVER_FROM;
    reusedRead = reused;
    this.data(buffer.subarray(0, bytes));
    reusedRead = false;
    this.handedOver = !reused;
    return true;
  };

  private readonly nextReadBuffer = (): Buffer => {
    if (!this.streaming) {
      this.ownReads = null;
      return SHARED_READS;
    }
    if (this.ownReads === null || this.handedOver) this.ownReads = Buffer.allocUnsafeSlow(READ_BYTES);
    return this.ownReads;
  };

  /** The listener's member data timeout, which a configuration change may have changed since the connection opened. */
  timeout(ms: number): void {
    if (ms === this.dataTimeoutMs) return;
    this.dataTimeoutMs = ms;
    this.#socket!.setTimeout(ms);
  }
}
