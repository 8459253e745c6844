import type { Socket } from 'node:net';

/** What an exchange hears of the member connection it uses. */
export interface MemberChannelUser {
  memberData(chunk: Buffer): void;
  /** The member half-closed its side. */
  memberEnd(): void;
  /** An error or the close: the connection is of no more use; `failed` when it ended in an error (a reset). */
  memberGone(failed: boolean): void;
  /** The member sent nothing for the data timeout. */
  memberTimeout(): void;
  memberDrain(): void;
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
  /** While idle: the time (ms since the epoch) after which it is not worth reusing. */
  idleUntil = 0;

  constructor(
    readonly socket: Socket,
    readonly memberId: string,
    private dataTimeoutMs: number,
    /** Told when the connection closed, so an idle list lets go of it. */
    closed: (channel: MemberChannel) => void,
  ) {
    socket.setTimeout(dataTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      // A member has nothing to say on an idle connection: whatever it sends would be taken for the next answer.
      if (this.user) this.user.memberData(chunk);
      else socket.destroy();
    });
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

  /** The listener's member data timeout, which a configuration change may have changed since the connection opened. */
  timeout(ms: number): void {
    if (ms === this.dataTimeoutMs) return;
    this.dataTimeoutMs = ms;
    this.socket.setTimeout(ms);
  }
}
