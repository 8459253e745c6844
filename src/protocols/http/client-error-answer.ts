/**
 * What Node's HTTP server answers by itself when it cannot read a client's request (its default 'clientError'
 * handling), done here so that a listener can count the answer: a server with a 'clientError' listener of its own
 * sends nothing unless the listener does.
 */
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Node's status for each error code it answers otherwise than 400. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** The answers, built once, byte for byte as Node writes them. */
const ANSWERS = new Map<number, Buffer>(
  [400, 408, 413, 431].map((status) => [
    status,
    Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`, 'ascii'),
  ]),
);

/**
 * Node's own fields, read as its default handling reads them: the response in progress on the socket, and whether its
 * head was written to the socket yet (`headersSent` is true already when it is only set).
 */
type ServedSocket = Duplex & { _httpMessage?: (ServerResponse & { _headerSent: boolean }) | null };

/**
 * Answers `error` on `socket` as Node would and destroys the socket; returns the status sent, or null when nothing
 * could be (the socket is no longer writable, or part of another answer went out on it already).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): number | null {
  const inProgress = (socket as ServedSocket)._httpMessage;
  let status: number | null = null;
  if (socket.writable && !inProgress?._headerSent) {
    status = STATUS_OF_CODE[error.code ?? ''] ?? 400;
    socket.write(ANSWERS.get(status)!);
  }
  socket.destroy(error);
  return status;
}
