/**
 * Refusing a request: 400 and the connection closed, because after a framing error nothing later on the connection
 * can be trusted to start where it seems to. Node still hands over requests the client pipelined behind the refused
 * one (they were parsed from the same read); `followsRefusal` tells the handler to drop them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isHttp2Request } from './http2-request.ts';

const refusedConnections = new WeakSet<Socket>();

export function refuseRequest(request: IncomingMessage, response: ServerResponse, reason: string): void {
  refusedConnections.add(request.socket);
  const body = `Bad Request: ${reason}\n`;
  response.writeHead(400, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    // HTTP/2 refuses the stream alone and has no Connection field.
    ...(isHttp2Request(request) ? {} : { Connection: 'close' }),
  });
  response.end(body);
}

/** Whether an earlier request on this connection was refused: this one must not reach a member. */
export const followsRefusal = (request: IncomingMessage): boolean => refusedConnections.has(request.socket);
