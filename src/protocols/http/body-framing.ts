/**
 * Where a message body ends, found while its bytes are relayed unchanged: one framing object per message, fed the
 * bytes as they arrive, says how many of them belong to the body and when its last byte has gone by, so that the
 * connection can carry the next message. Nothing is copied or allocated per feed.
 */
import { ChunkedBody, type ChunkedLimits } from './chunked-body.ts';

/** How a message's body is delimited (RFC 9112 §6.3). */
export type MessageBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' }
  /** Until the sender closes the connection: the receiving side cannot be kept alive as is. */
  | { readonly kind: 'close' };

export interface BodyFraming {
  /**
   * How many bytes of `buffer[start, end)` belong to the body: all of them until the body is complete, then those up
   * to its last byte (the rest is the next message). -1 when the framing is invalid (`problem` says why); after
   * that, or once complete, nothing more is taken.
   */
  feed(buffer: Uint8Array, start?: number, end?: number): number;
  /** The sender closed the connection: whether that completes the body (true only for a close-delimited body). */
  closed(): boolean;
  /** Whether the body's last byte has been fed. */
  readonly complete: boolean;
  /** Why the framing is invalid, or null. */
  readonly problem: string | null;
}

/** A body of a known number of bytes (none is zero bytes). */
export class FixedLengthBody implements BodyFraming {
  private remaining: number;

  constructor(length: number) {
    this.remaining = length;
  }

  get complete(): boolean {
    return this.remaining === 0;
  }

  get problem(): null {
    return null;
  }

  feed(buffer: Uint8Array, start = 0, end = buffer.length): number {
    const taken = Math.min(this.remaining, Math.max(0, end - start));
    this.remaining -= taken;
    return taken;
  }

  closed(): boolean {
    return this.remaining === 0;
  }
}

/** A body that ends when the sender closes the connection. */
export class CloseDelimitedBody implements BodyFraming {
  complete = false;

  get problem(): null {
    return null;
  }

  feed(buffer: Uint8Array, start = 0, end = buffer.length): number {
    return this.complete ? 0 : Math.max(0, end - start);
  }

  closed(): boolean {
    this.complete = true;
    return true;
  }
}

/** The framing object for one message's body. */
export function bodyFraming(body: MessageBody, limits?: Partial<ChunkedLimits>): BodyFraming {
  switch (body.kind) {
    case 'none':
      return new FixedLengthBody(0);
    case 'length':
      return new FixedLengthBody(body.length);
    case 'chunked':
      return new ChunkedBody(limits);
    case 'close':
      return new CloseDelimitedBody();
  }
}
