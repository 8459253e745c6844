import type { IncomingMessage } from 'node:http';
import { Http2ServerRequest } from 'node:http2';

/**
 * Whether a request the general path handles came as an HTTP/2 stream. Not its `httpVersionMajor`: Node's HTTP/1
 * parser reads `HTTP/2.0` in a request line as version 2 too, and such a request must be refused.
 */
export const isHttp2Request = (request: IncomingMessage): boolean => (request as unknown) instanceof Http2ServerRequest;
