import type { IncomingMessage } from 'node:http';
import { Http2ServerRequest } from 'node:http2';
import type { Socket } from 'node:net';

/**
 * Whether a request the general path handles came as an HTTP/2 stream. Not its `httpVersionMajor`: Node's HTTP/1
 * parser reads `HTTP/2.0` in a request line as version 2 too, and such a request must be refused.
 */
export const isHttp2Request = (request: IncomingMessage): boolean => (request as unknown) instanceof Http2ServerRequest;

/**
 * The connection a request came on: for an HTTP/2 stream its session's socket (`request.socket` is a new view per
 * stream), so what is counted per connection is counted once.
 */
export function connectionOf(request: IncomingMessage): Socket {
  if (!isHttp2Request(request)) return request.socket;
  return ((request as unknown as Http2ServerRequest).stream.session?.socket as Socket | undefined) ?? request.socket;
}
