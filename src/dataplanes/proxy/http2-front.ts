import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { http1Fields } from '../../protocols/http/http2-fields.ts';
import { type Http2Env, serveStream } from './http2-exchange.ts';

/**
 * HTTP/2 to clients of a TERMINATED_HTTPS listener whose handshake chose `h2`: Node's HTTP/2 session on the
 * decrypted socket, its streams served on Node's core stream API by the HTTP/2 fast path (http2-exchange.ts), and
 * those it leaves handed to the listener's general path as HTTP/1.1 requests would be, through Node's compatibility
 * layer. Either way they go to members over HTTP/1.1. nghttp2 does the framing checks HTTP/1.1 needs the request
 * guard for (lengths, no connection-specific fields); the guard still checks the rest.
 */
/**
 * A request's header list at most, as RFC 9113 counts it (name, value and 32 bytes per field): HAProxy's 16 KiB
 * buffer, which bounds HTTP/1.1 heads here too, so no value longer than an L7 REGEX rule tests gets past
 * (rule-matcher.ts).
 */
const MAX_HEADER_LIST_BYTES = 16_384;

function headerListBytes(raw: readonly string[]): number {
  let bytes = 0;
  for (let i = 0; i < raw.length; i += 2) bytes += raw[i]!.length + raw[i + 1]!.length + 32;
  return bytes;
}

export class Http2Front {
  private readonly server = createServer({
    // As HAProxy's defaults: streams at once per connection, and the header list a client is told it may send.
    settings: { maxConcurrentStreams: 100, maxHeaderListSize: MAX_HEADER_LIST_BYTES },
    // Floods of invalid frames or of streams refused (the rapid reset attack) end the session.
    maxSessionInvalidFrames: 100,
    maxSessionRejectedStreams: 100,
  });
  /**
   * The general path's streams: a server never bound, whose compatibility layer makes requests and responses of the
   * streams it is given (and answers CONNECT and Expect as Node does).
   */
  private readonly general = createServer();
  /**
   * Open sessions, each with its decrypted socket. A session offers only a proxy of it, which throws on every property
   * read once the session is torn down: a stream's end, logged then, would crash the worker.
   */
  private readonly sessions = new Map<Http2Session, TLSSocket>();
  /** The socket `serve` is handing to the server: its session is made while it does. */
  private arriving: TLSSocket | null = null;

  constructor(idleMs: number, env: Http2Env, handle: (request: IncomingMessage, response: ServerResponse) => void) {
    this.server.on('session', (session: ServerHttp2Session) => {
      // Sessions are made only in `serve`, for the socket it hands over.
      this.sessions.set(session, this.arriving!);
      session.setTimeout(idleMs, () => session.close());
      session.once('close', () => this.sessions.delete(session));
      // A broken session ends its socket; the listener counts that as any connection's end.
      session.on('error', () => {});
    });
    this.server.on(
      'stream',
      (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
        // The setting is only advice to the client: Node takes longer lists, so they are refused here.
        if (headerListBytes(rawHeaders) > MAX_HEADER_LIST_BYTES) {
          stream.respond({ ':status': 431 }, { endStream: true });
          return;
        }
        const client = this.sessions.get(stream.session!);
        if (client === undefined || !serveStream(stream, client, headers, rawHeaders, env)) {
          this.general.emit('stream', stream, headers, flags, rawHeaders);
        }
      },
    );
    // The general path reads what HTTP/1.1 and HTTP/2 requests and responses share; what differs it asks of
    // isHttp2Request.
    this.general.on('request', (request: Http2ServerRequest, response: Http2ServerResponse) => {
      handle(asHttp1Request(request), response as unknown as ServerResponse);
    });
  }

  /** Serves HTTP/2 on a socket whose TLS handshake chose `h2`. */
  serve(socket: TLSSocket): void {
    // Node's session waits for `secureConnect` while this is set, and a server-side socket never emits it: the
    // handshake is done already.
    (socket as { secureConnecting?: boolean }).secureConnecting = false;
    this.arriving = socket;
    try {
      this.server.emit('connection', socket);
    } finally {
      this.arriving = null;
    }
  }

  /** The listener closes: each session finishes its open streams, then ends (GOAWAY). */
  closeIdle(): void {
    for (const session of this.sessions.keys()) session.close();
  }
}

/**
 * An HTTP/2 request with its fields as HTTP/1.1 has them (http2-fields.ts), and a body without Content-Length (its
 * HEADERS frame did not end the stream) marked chunked, so the member gets it framed on a connection other clients
 * share, and the guard refuses it where HTTP/1.1 would (a GET with a body).
 */
function asHttp1Request(request: Http2ServerRequest): IncomingMessage {
  const { fields, host, contentLength } = http1Fields(request.rawHeaders, request.authority);
  if (!contentLength && !request.stream.endAfterHeaders) {
    fields.push('transfer-encoding', 'chunked');
    request.headers['transfer-encoding'] = 'chunked';
  }
  if (request.headers.host === undefined && host !== undefined) request.headers.host = host;
  Object.defineProperty(request, 'rawHeaders', { value: fields });
  return request as unknown as IncomingMessage;
}
