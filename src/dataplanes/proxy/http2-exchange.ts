/**
 * The HTTP/2 fast path: a stream the HTTP/1.1 fast path would serve if it came as HTTP/1.1 (no request body or one of
 * a said length, neither CONNECT nor Expect, a pool whose members take no PROXY header, a member to send it to) goes
 * to a member over the fast path's pooled keep-alive connections (member-socket-pool.ts) as an HTTP/1.1 request with
 * the forwarding headers. The member's answer head is parsed (response-head.ts) and answered on the stream with
 * `respond`; its body is followed (body-framing.ts) and written to the stream without its HTTP/1.1 framing. Every
 * other stream goes to the general path untouched, as a request of Node's compatibility layer.
 */
import { constants, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { L7Answer } from '../../l7/l7-answer.ts';
import { MessageFacts } from '../../l7/message-facts.ts';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import { type BodyFraming, bodyFraming } from '../../protocols/http/body-framing.ts';
import { ChunkedBody } from '../../protocols/http/chunked-body.ts';
import { holdsForbiddenValue } from '../../protocols/http/header-syntax.ts';
import { http1Fields } from '../../protocols/http/http2-fields.ts';
import { requestProblem } from '../../protocols/http/request-guard.ts';
import { parseResponseHead, type ResponseHead } from '../../protocols/http/response-head.ts';
import { countResponse } from '../http-responses.ts';
import { recordLatency } from '../request-latency.ts';
import { type ExchangeRecord, startedRecord } from './exchange-record.ts';
import { GATEWAY_ANSWERS } from './gateway-answer.ts';
import type { HttpListenerConfig } from './http-listener.ts';
import { kept, type MemberChannel, type MemberChannelUser } from './member-channel.ts';
import { HEAD_LIMITS, NONE_TRIED, pooledIdleMs, SAFE_METHODS } from './member-exchange-rules.ts';
import { memberHeaders } from './member-headers.ts';
import { answerFields } from './persistence/head-cookies.ts';
import { MEMBER_ATTEMPTS } from './pool-runtime.ts';
import { clientServerNameOf, tlsConnectionOf } from './tls/tls-connection.ts';
import type { ListenerCounters } from './traffic-counters.ts';
import type { WriteBurst } from './write-burst.ts';

/** What the HTTP/2 fast path needs of its listener. */
export interface Http2Env {
  config: () => HttpListenerConfig;
  counters: ListenerCounters;
  /** Writes the access log line of one exchange, when the listener logs. */
  logged: (client: Socket, record: ExchangeRecord) => void;
  /** Where request heads wait for the end of the event loop's turn, with other connections' (write-burst.ts). */
  burst: WriteBurst;
}

const EMPTY = Buffer.alloc(0);
/** Fields about the member's HTTP/1.1 connection: HTTP/2 has none of them (RFC 9113 §8.2.2), Node refuses them. */
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'http2-settings',
]);
const ignore = () => {};

/**
 * Serves a new stream on the fast path, or answers it for the load balancer (L7 REJECT or redirect); false when it is
 * the general path's, nothing of it read or answered.
 */
export function serveStream(
  stream: ServerHttp2Stream,
  /** The session's decrypted socket itself (http2-front.ts), never the session's proxy of it. */
  client: Socket,
  headers: IncomingHttpHeaders,
  rawHeaders: string[],
  env: Http2Env,
): boolean {
  const method = headers[':method'];
  if (method === undefined || method === 'CONNECT' || headers.expect !== undefined) return false;
  // A body goes on this path with its length said (nghttp2 holds the stream to it); else chunked, on the general one.
  const length = headers['content-length'];
  const bodyLength = length === undefined ? (stream.endAfterHeaders ? 0 : Number.NaN) : Number(length);
  if (!(bodyLength > 0 ? !stream.endAfterHeaders : bodyLength === 0 && stream.endAfterHeaders)) return false;
  const { fields, host, cookie } = http1Fields(rawHeaders, headers[':authority']);
  const request = { method, httpVersion: '2.0', url: headers[':path'] ?? '', rawHeaders: fields };
  // The general path refuses it, with the reason.
  if (requestProblem(request, true) !== null) return false;
  const listenerConfig = env.config();
  const config =
    listenerConfig.routes === null
      ? listenerConfig
      : listenerConfig.routes.route(new MessageFacts(request, tlsConnectionOf(client)?.facts ?? null));
  if (config instanceof L7Answer) {
    answerForBalancer(stream, client, listenerConfig, env, request, config);
    return true;
  }
  const pool = config.pool;
  if (pool === null || config.preamble !== null) return false;
  const outgoing = memberHeaders(config, client, fields, host, false);
  // Node's client refuses to write such a head, and the general path answers that.
  if (holdsForbiddenValue(outgoing)) return false;
  // Picked last: the general path picks again for what it is given.
  const member = pool.pick(client, NONE_TRIED, cookie);
  // None to send to: the general path answers 503.
  if (member === undefined) return false;
  env.counters.totalRequests!++;
  let head = `${method} ${request.url} HTTP/1.1\r\n`;
  for (let i = 0; i < outgoing.length; i += 2) head += `${outgoing[i]}: ${outgoing[i + 1]}\r\n`;
  // Values are bytes one per character, as Node's HTTP/2 session read them.
  const bytes = Buffer.from(`${head}\r\n`, 'latin1');
  const record = startedRecord(member, method, request.url, '2.0');
  new Http2Exchange(stream, client, env, config, bytes, bodyLength, cookie, record).send(member, false);
  return true;
}

/** An L7 REJECT or redirect, on its stream alone: HTTP/2 ends streams, never the connection, for it. */
function answerForBalancer(
  stream: ServerHttp2Stream,
  client: Socket,
  config: HttpListenerConfig,
  env: Http2Env,
  request: { method: string; url: string },
  answer: L7Answer,
): void {
  const { counters } = env;
  counters.totalRequests!++;
  if (answer.denies) counters.deniedRequests!++;
  countResponse(counters.responses!, answer.status);
  respondWhole(stream, answer.status, answer.fields(), answer.body);
  if (config.accessLog === null) return;
  const record = startedRecord(null, request.method, request.url, '2.0');
  record.status = answer.status;
  env.logged(client, record);
}

/** A whole answer of weir's own on the stream. */
function respondWhole(
  stream: ServerHttp2Stream,
  status: number,
  fields: Readonly<Record<string, string | number>>,
  body: string,
): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond({ ...fields, ':status': status }, { endStream: body.length === 0 });
  if (body.length > 0) stream.end(body);
}

/** One stream's request and its answer between the client and a member. */
class Http2Exchange implements MemberChannelUser {
  private channel: MemberChannel | null = null;
  private member!: MemberSpec;
  private tried = NONE_TRIED;
  private responseBuffer: Buffer = EMPTY;
  private response: ResponseHead | null = null;
  private framing: BodyFraming | null = null;
  /** The member sent more than its answer: its connection cannot be trusted for another. */
  private surplus = false;
  private done = false;
  /** The stream's end was written (with the answer's head or its last bytes). */
  private ended = false;
  /** The member's connection is paused until the stream drains. */
  private waitingForClient = false;
  /** The stream is paused until the member's connection drains. */
  private waitingForMember = false;
  /** Request body bytes not yet sent to the member. */
  private bodyLeft: number;
  private readonly startedAt = performance.now();
  private readonly method: string;

  constructor(
    private readonly stream: ServerHttp2Stream,
    private readonly client: Socket,
    private readonly env: Http2Env,
    private readonly config: HttpListenerConfig,
    /** The request head as the member gets it. */
    private readonly head: Buffer,
    /** The request body's length (Content-Length), 0 without one. */
    private readonly bodyLength: number,
    /** The request's Cookie fields joined, for persistence. */
    private readonly cookies: string | undefined,
    private readonly record: ExchangeRecord,
  ) {
    this.method = record.method;
    this.bodyLeft = bodyLength;
    // A reset stream errors; what that costs the exchange its close says.
    stream.on('error', ignore);
    stream.once('close', () => this.streamClosed());
  }

  /** Sends the request to `member`; with `fresh`, on a new connection (a pooled one closed before answering). */
  send(member: MemberSpec, fresh: boolean): void {
    this.member = member;
    this.record.member = member;
    const pool = this.config.pool!;
    // TLS members get the name the client asked for, as the amphora's `sni ssl_fc_sni`.
    const serverName = pool.memberTls === null ? null : clientServerNameOf(this.client);
    const idle = fresh ? undefined : pool.sockets.takeIdle(member, serverName);
    if (idle !== undefined) return void this.start(idle);
    const { memberConnectMs, memberDataMs } = this.config.timeouts;
    pool.sockets.connect(member, memberConnectMs, memberDataMs, serverName).then(
      (channel) => {
        this.record.connectMs = Date.now() - this.record.start;
        if (this.done) channel.socket.destroy();
        else this.start(channel);
      },
      (error) => {
        pool.failed(member, error);
        if (!this.done) this.next();
      },
    );
  }

  /** The member could not be connected to: another, while members are left to try; else 502, as the general path. */
  private next(): void {
    this.tried = new Set(this.tried).add(this.member.id);
    const pool = this.config.pool!;
    const member = this.tried.size < MEMBER_ATTEMPTS ? pool.pick(this.client, this.tried, this.cookies) : undefined;
    if (member !== undefined) return void this.send(member, false);
    this.done = true;
    this.record.member = null;
    this.record.termination = 'no-member';
    this.answerFailure(502);
  }

  private start(channel: MemberChannel): void {
    this.channel = channel;
    channel.user = this;
    channel.timeout(this.config.timeouts.memberDataMs);
    this.config.pool!.started(this.member);
    if (this.bodyLength === 0) return void this.env.burst.write(channel.socket, this.head);
    // The body follows the head as the client sends it: the head cannot wait for the end of the turn.
    channel.socket.write(this.head);
    this.stream.on('data', (chunk: Buffer) => this.requestBody(chunk));
  }

  private requestBody(chunk: Buffer): void {
    // After the answer what comes of the body is dropped (dropBody).
    if (this.done) return;
    this.bodyLeft -= chunk.length;
    if (!this.channel!.socket.write(chunk)) {
      this.waitingForMember = true;
      this.stream.pause();
    }
  }

  memberDrain(): void {
    if (!this.waitingForMember || this.done) return;
    this.waitingForMember = false;
    this.stream.resume();
  }

  memberData(chunk: Buffer): void {
    if (this.done) return;
    if (this.response !== null) return void this.relay(chunk, 0);
    this.responseBuffer = this.responseBuffer.length === 0 ? chunk : Buffer.concat([this.responseBuffer, chunk]);
    this.readHead();
    // Part of a head, waiting for the next read.
    this.responseBuffer = kept(this.responseBuffer);
  }

  private readHead(): void {
    for (;;) {
      const parsed = parseResponseHead(this.responseBuffer, 0, HEAD_LIMITS, { method: this.method });
      if (parsed.kind === 'incomplete') return;
      // Switching protocols was not asked for.
      if (parsed.kind === 'invalid' || parsed.head.tunnel) return void this.fail(502);
      const head = parsed.head;
      // 103 Early Hints and the like are not relayed, as on the general path; the final answer follows.
      if (head.informational) {
        this.responseBuffer = this.responseBuffer.subarray(head.end);
        continue;
      }
      const rest = this.responseBuffer;
      this.responseBuffer = EMPTY;
      this.response = head;
      this.record.responseMs = Date.now() - this.record.start;
      this.record.status = head.status;
      this.framing = bodyFraming(head.body);
      // A chunked body's data goes to the stream as it is fed.
      if (this.framing instanceof ChunkedBody) {
        this.framing.dataSink = (buffer, start, end) => this.write((buffer as Buffer).subarray(start, end));
      }
      try {
        this.stream.respond(this.answerHeaders(head), { endStream: this.framing.complete });
      } catch {
        // A field HTTP/2 cannot carry as given: one Node takes once, which the member sent twice with different values.
        this.response = null;
        return void this.fail(502);
      }
      countResponse(this.env.counters.responses!, head.status);
      this.ended = this.framing.complete;
      this.relay(rest, head.end);
      if (!this.done) this.channel!.streaming = true;
      return;
    }
  }

  /** The member's status and fields for the stream, less those about its connection, and persistence's. */
  private answerHeaders(head: ResponseHead): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = { ':status': head.status };
    const listed = head.connectionOptions;
    for (const field of head.fields) {
      const name = field.name;
      if (CONNECTION_SPECIFIC.has(name) || (listed.length > 0 && listed.includes(name))) continue;
      addHeader(headers, name, field.value);
    }
    const stickiness = this.config.pool!.stickiness;
    const added =
      stickiness === null ? null : answerFields(stickiness, this.member.id, this.cookies, this.method, head);
    if (added !== null) for (let i = 0; i < added.length; i += 2) addHeader(headers, added[i]!, added[i + 1]!);
    return headers;
  }

  /** The answer's body in `chunk` from `from` on, to the stream; whatever follows its end is surplus. */
  private relay(chunk: Buffer, from: number): void {
    const framing = this.framing!;
    if (!framing.complete && from < chunk.length) {
      const used = framing.feed(chunk, from);
      if (used < 0) return void this.fail(502);
      // A chunked body's data went to the stream as it was fed.
      if (used > 0 && !(framing instanceof ChunkedBody)) {
        const body = from === 0 && used === chunk.length ? chunk : chunk.subarray(from, from + used);
        if (framing.complete) {
          this.ended = true;
          // The last bytes and the end of the stream in one DATA frame.
          this.stream.end(kept(body));
        } else this.write(body);
      }
      from += used;
    }
    if (framing.complete) this.complete(from < chunk.length);
  }

  /** Writes body bytes to the stream, the member paused while the stream holds more than it should. */
  private write(body: Buffer): void {
    if (this.stream.destroyed) return;
    if (!this.stream.write(kept(body)) && !this.waitingForClient) {
      this.waitingForClient = true;
      this.channel!.socket.pause();
      this.stream.once('drain', () => this.streamDrained());
    }
  }

  private streamDrained(): void {
    if (!this.waitingForClient || this.done) return;
    this.waitingForClient = false;
    this.channel!.socket.resume();
  }

  private complete(surplus: boolean): void {
    if (this.done) return;
    this.done = true;
    this.surplus = surplus;
    if (!this.ended) this.stream.end();
    this.dropBody();
    const channel = this.channel!;
    const { config, response } = this;
    this.detach();
    const pool = config.pool!;
    pool.ended(this.member);
    recordLatency(this.env.counters.latency!, (performance.now() - this.startedAt) / 1000);
    // A member that answered before the whole body reached it leaves the rest of it unread on its connection.
    const reusable = response!.keepAlive && response!.body.kind !== 'close' && !this.surplus && this.bodyLeft === 0;
    if (reusable) pool.sockets.release(channel, pooledIdleMs(config.timeouts));
    else channel.socket.destroy();
    this.env.logged(this.client, this.record);
  }

  /** The member failed the exchange: an error status if nothing was answered yet, else the stream is reset. */
  private fail(status: 502 | 504): void {
    if (this.done) return;
    this.done = true;
    const channel = this.channel!;
    this.detach();
    channel.socket.destroy();
    this.config.pool!.ended(this.member);
    this.record.termination = 'member-error';
    if (this.response === null) return void this.answerFailure(status);
    this.env.counters.requestErrors++;
    this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    this.env.logged(this.client, this.record);
  }

  /** weir's own 502 or 504 on the stream, as no answer of the member's was sent. */
  private answerFailure(status: 502 | 504): void {
    this.env.counters.requestErrors++;
    this.record.status = status;
    if (!this.stream.destroyed) {
      countResponse(this.env.counters.responses!, status);
      const { fields, body } = GATEWAY_ANSWERS[status];
      respondWhole(this.stream, status, fields, body);
      this.dropBody();
    }
    this.env.logged(this.client, this.record);
  }

  memberGone(failed: boolean): void {
    // A reset is not the end of a close-delimited answer: the client must not take a cut body for a whole one.
    if (!failed && this.framing?.closed()) return void this.complete(false);
    // A pooled connection the member closed as it was reused: a request safe to repeat goes again on a new one.
    const untouched = this.response === null && this.responseBuffer.length === 0;
    // A body was read from the stream as it went to the closed connection: it cannot go again.
    const repeatable = SAFE_METHODS.has(this.method) && this.bodyLength === 0;
    if (untouched && this.channel!.reused && repeatable && !this.done) {
      const channel = this.channel!;
      this.detach();
      channel.socket.destroy();
      this.config.pool!.ended(this.member);
      this.channel = null;
      return void this.send(this.member, true);
    }
    this.fail(502);
  }

  /** The member finished sending: the end of a close-delimited answer, else it is gone before its answer ended. */
  memberEnd(): void {
    if (this.framing?.closed()) this.complete(false);
    else this.memberGone(false);
  }

  memberTimeout(): void {
    this.fail(504);
  }

  /** The stream closed: answered, or reset by the client or with its session, which ends the exchange. */
  private streamClosed(): void {
    if (this.done) return;
    this.done = true;
    const channel = this.channel;
    if (channel === null) return;
    this.detach();
    channel.socket.destroy();
    this.config.pool!.ended(this.member);
    this.env.logged(this.client, this.record);
  }

  private detach(): void {
    const channel = this.channel!;
    channel.user = null;
    channel.streaming = false;
    if (this.waitingForClient) channel.socket.resume();
  }

  /**
   * After the answer: a request body not all sent to the member is not wanted any more, and the client is told to stop
   * sending it (RST_STREAM with NO_ERROR once the answer is out, RFC 9113 §8.1).
   */
  private dropBody(): void {
    if (this.bodyLeft > 0) this.stream.close(constants.NGHTTP2_NO_ERROR);
  }
}

/** Adds a field to an answer's headers; a name that comes again gets its values as a list. */
function addHeader(headers: OutgoingHttpHeaders, name: string, value: string): void {
  const before = headers[name];
  if (before === undefined) headers[name] = value;
  // The same value twice (two equal Date or Content-Type lines) is one field: Node refuses a field it takes once
  // (Date, Content-Type...) given twice, even alike.
  else if (before === value) return;
  else if (Array.isArray(before)) before.push(value);
  else headers[name] = [String(before), value];
}
