/**
 * The HTTP fast path: one client connection served on the raw socket. Request heads are parsed from its bytes
 * (`request-head.ts`, as strict as the general path), sent to a member over a pooled keep-alive connection with the
 * forwarding headers, and the member's answer is relayed as bytes, its framing followed (`response-head.ts`,
 * `body-framing.ts`) only to know where it ends. Whatever it does not handle (upgrades, `Expect`, chunked request
 * bodies, HTTP/1.0, PROXY protocol pools, refusals, no member to send to) it hands to the general path on Node's
 * `http` before anything of that request was sent, with the bytes it read put back.
 */
import type { Socket } from 'node:net';
import { HeadFacts } from '../../l7/head-facts.ts';
import { L7Answer } from '../../l7/l7-answer.ts';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import { type BodyFraming, bodyFraming } from '../../protocols/http/body-framing.ts';
import { forwardingChanges } from '../../protocols/http/forwarding-headers.ts';
import { parseRequestHead, type RequestHead } from '../../protocols/http/request-head.ts';
import { parseResponseHead, type ResponseHead } from '../../protocols/http/response-head.ts';
import { countResponse } from '../http-responses.ts';
import { recordLatency } from '../request-latency.ts';
import { type ExchangeRecord, startedRecord } from './exchange-record.ts';
import { GATEWAY_ANSWERS } from './gateway-answer.ts';
import type { HttpListenerConfig } from './http-listener.ts';
import { kept, type MemberChannel, type MemberChannelUser } from './member-channel.ts';
import { HEAD_LIMITS, NONE_TRIED, pooledIdleMs, SAFE_METHODS } from './member-exchange-rules.ts';
import { forwardedRequest } from './member-headers.ts';
import { answerCookie, requestCookies } from './persistence/head-cookies.ts';
import { MEMBER_ATTEMPTS } from './pool-runtime.ts';
import { HANDED_OVER_FROM, READ_BYTES } from './shared-reads.ts';
import { readIntoUserBuffers } from './socket-user-buffer.ts';
import { clientServerNameOf, tlsConnectionOf } from './tls/tls-connection.ts';
import type { ListenerCounters } from './traffic-counters.ts';
import type { WriteBurst } from './write-burst.ts';

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
const CLOSE_FIELD = Buffer.from('connection: close\r\n');
/** Response fields about the member's connection, never relayed (the client's connection is weir's). */
const RESPONSE_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection']);
/** Kept whatever Connection lists: without them the client would frame the body otherwise than weir did. */
const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding']);

export interface FastSessionEnv {
  config: () => HttpListenerConfig;
  counters: ListenerCounters;
  /** Gives the connection to the general path, `unread` put back in front of what the client sends next. */
  handOver: (client: Socket, unread: Buffer) => void;
  /** Writes the access log line of one exchange, when the listener logs. */
  logged: (client: Socket, record: ExchangeRecord) => void;
  /** Where complete small answers wait for the end of the event loop's turn. */
  burst: WriteBurst;
}

/** What goes to a member for one request: its head as weir writes it, and its body's length. */
interface Outgoing {
  readonly head: RequestHead;
  /** The request line and the field lines the member gets as the client sent them. */
  readonly bytes: Buffer;
  /** weir's forwarding fields and the empty line that ends the head. */
  readonly added: string;
  readonly bodyLength: number;
  /** The bytes the client sent of it (head, and as much of the body as came with it), to hand over unsent. */
  readonly raw: Buffer;
}

export class FastHttpSession {
  private pending: Buffer = EMPTY;
  /** The exchange in progress, which takes the client's bytes while its request body is still arriving. */
  private current: MemberExchange | null = null;
  private busy = false;
  /** Answers wait in the client's connection beyond its high-water mark: no next request until it reads them. */
  private backlogged = false;
  private closed = false;
  private ended = false;
  /** The listener is going away: the connection ends once its exchange in progress does. */
  private closing = false;
  /** Runs while a head is arriving: a client gets the idle timeout for a whole head, not per byte (slowloris). */
  private headTimer: NodeJS.Timeout | undefined;
  /** The burst turn in which this connection last had a write held. */
  private heldIn = -1;
  /** The connection's last answer is held, and its end with it. */
  private endHeld = false;

  constructor(
    readonly client: Socket,
    readonly env: FastSessionEnv,
  ) {
    (client as SessionSocket)[SESSION] = this;
    readIntoUserBuffers(client as SessionSocket, nextClientRead, sessionRead);
    // All its reads without the shared buffer (another Node), and with it those that came while paused.
    client.on('data', sessionData);
    client.on('error', sessionGone);
    client.on('close', sessionGone);
    client.on('end', sessionEnd);
    client.on('drain', sessionDrain);
    client.setTimeout(env.config().timeouts.clientDataMs);
    client.on('timeout', sessionIdle);
  }

  onData(chunk: Buffer): void {
    let rest = chunk;
    if (this.current?.wantsBody) {
      const taken = this.current.requestBody(chunk);
      if (taken === chunk.length) return;
      rest = chunk.subarray(taken);
    }
    // The connection ends after the exchange in progress: what else the client sends is no request of it, unless its
    // member connection is still opening (then it may be the body, taken from `pending` once connected).
    if (this.closing && !this.busy) return;
    this.pending = this.pending.length === 0 ? rest : Buffer.concat([this.pending, rest]);
    if (!this.busy && !this.backlogged) this.next();
    // Pipelined requests wait while one is served: at most a head's worth is held, then the client waits too.
    else if (this.pending.length > HEAD_LIMITS.maxHeadBytes) this.client.pause();
  }

  onClientGone(): void {
    this.closed = true;
    clearTimeout(this.headTimer);
    this.current?.clientGone();
  }

  onClientDrain(): void {
    if (this.current !== null) this.current.clientDrain();
    else if (this.backlogged) {
      this.backlogged = false;
      this.client.resume();
      this.next();
    }
  }

  /** The client sent all it will (half-close): what it sent is still answered, then the connection ends. */
  onClientEnd(): void {
    this.ended = true;
    if (!this.busy && !this.backlogged) this.next();
  }

  onIdle(): void {
    if (!this.busy) this.client.destroy();
  }

  onSlowHead(): void {
    this.headTimer = undefined;
    if (this.busy || this.closed) return;
    this.closing = true;
    countResponse(this.env.counters.responses!, 408);
    this.end('HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  }

  /** Ends the connection now if it waits for a request, else once its exchange is done. */
  closeWhenIdle(): void {
    this.closing = true;
    if (!this.busy) this.end();
  }

  /**
   * Sends `chunk` to the client at the end of this turn of the event loop, with other connections' (write-burst.ts);
   * with `last`, the connection ends after it.
   */
  hold(chunk: Buffer, last: boolean): void {
    this.heldIn = this.env.burst.turn;
    this.env.burst.write(this.client, chunk, last);
    if (last) {
      this.closing = true;
      this.endHeld = true;
    }
  }

  /** Sends what is held for the client now: before anything else is written to it, or it is ended or handed over. */
  settle(): void {
    if (this.heldIn === this.env.burst.turn) this.env.burst.flush();
  }

  private end(last?: string): void {
    // A head that was arriving will not be answered with 408 on an ended connection.
    clearTimeout(this.headTimer);
    this.headTimer = undefined;
    this.settle();
    if (last === undefined) this.client.end();
    else this.client.end(last);
  }

  /** Serves what the client sent, up to a request that waits for a member or its own bytes. */
  private next(): void {
    // Requests answered at once (L7 redirects) leave the next one pipelined behind them to this loop.
    while (this.serveNext());
  }

  /**
   * Parses the next request head in what the client sent, and serves it, or hands the connection over. True when it
   * was answered here and the connection waits for no one.
   */
  private serveNext(): boolean {
    if (this.closed || this.closing) return false;
    const parsed =
      this.pending.length === 0 ? ({ kind: 'incomplete' } as const) : parseRequestHead(this.pending, 0, HEAD_LIMITS);
    if (parsed.kind === 'incomplete') {
      if (this.ended) this.end();
      else if (this.pending.length > 0) {
        this.headTimer ??= setTimeout(slowHead, this.env.config().timeouts.clientDataMs, this);
      }
      return false;
    }
    clearTimeout(this.headTimer);
    this.headTimer = undefined;
    if (parsed.kind !== 'head' || !handlesHead(parsed.head)) return this.leave();
    const head = parsed.head;
    const config = this.routeOf(head);
    if (config instanceof L7Answer) return this.answer(head, config);
    if (!handlesRoute(config)) return this.leave();
    this.env.counters.totalRequests!++;
    const bodyLength = head.body.kind === 'length' ? head.body.length : 0;
    const taken = head.end + Math.min(bodyLength, this.pending.length - head.end);
    const outgoing: Outgoing = {
      head,
      ...requestHead(head, this.pending, this.client, config),
      bodyLength,
      raw: this.pending.subarray(0, taken),
    };
    this.pending = remainder(this.pending, taken);
    this.send(outgoing, config, NONE_TRIED, false);
    return false;
  }

  /** Gives the connection to the general path, for a request the fast path does not serve. */
  private leave(): false {
    // After the client's end the general path cannot take the connection over (Node would never see that end):
    // what was answered stays answered, and the connection ends here.
    if (this.ended) this.end();
    else this.handOver();
    return false;
  }

  /** The listener's configuration, or the one or the answer its L7 policies give this request. */
  private routeOf(head: RequestHead): HttpListenerConfig | L7Answer {
    const config = this.env.config();
    return config.routes === null
      ? config
      : config.routes.route(new HeadFacts(head, tlsConnectionOf(this.client)?.facts ?? null));
  }

  /**
   * Answers the request for the load balancer (L7 REJECT or redirect). A redirect keeps the connection, when no
   * request body is left to read; true when the next request may be served.
   */
  private answer(head: RequestHead, answer: L7Answer): boolean {
    const { counters } = this.env;
    counters.totalRequests!++;
    if (answer.denies) counters.deniedRequests!++;
    countResponse(counters.responses!, answer.status);
    const close = answer.closes || !head.keepAlive || head.body.kind !== 'none';
    this.pending = remainder(this.pending, head.end);
    const record = startedRecord(null, head.method, head.target, '1.1');
    record.status = answer.status;
    this.settle();
    if (close) {
      this.closing = true;
      this.end(answer.wire(true));
    } else this.client.write(answer.wire(false));
    this.env.logged(this.client, record);
    if (close) return false;
    if (this.client.writableNeedDrain) {
      this.backlogged = true;
      return false;
    }
    return true;
  }

  /** `unsent`: bytes of a request taken from `pending` and not sent, which go back in front. */
  private handOver(unsent: Buffer = EMPTY): void {
    const { client } = this;
    client.removeListener('data', sessionData);
    client.removeListener('error', sessionGone);
    client.removeListener('close', sessionGone);
    client.removeListener('end', sessionEnd);
    client.removeListener('drain', sessionDrain);
    client.removeListener('timeout', sessionIdle);
    client.setTimeout(0);
    clearTimeout(this.headTimer);
    (client as SessionSocket)[SESSION] = null;
    client.pause();
    this.settle();
    const unread = unsent.length === 0 ? this.pending : Buffer.concat([unsent, this.pending]);
    this.pending = EMPTY;
    this.env.handOver(client, unread);
  }

  /**
   * Sends the request to a member, skipping members that cannot be connected to. With `fresh`, a new connection
   * (a pooled one was closed by its member before answering).
   */
  send(outgoing: Outgoing, config: HttpListenerConfig, tried: ReadonlySet<string>, fresh: boolean): void {
    const pool = config.pool!;
    const cookies = pool.stickiness === null ? undefined : requestCookies(outgoing.head.fields);
    const member = tried.size < MEMBER_ATTEMPTS ? pool.pick(this.client, tried, cookies) : undefined;
    // No member, or none reachable: the general path answers that (503 with Retry-After); nothing was sent yet.
    if (member === undefined && !this.busy && !this.ended) {
      // The general path takes the request as a new one, and counts it.
      this.env.counters.totalRequests!--;
      this.handOver(outgoing.raw);
      return;
    }
    if (member === undefined) {
      // Members were tried and none could be reached: 502, as the general path answers then.
      this.failed(502);
      return;
    }
    this.busy = true;
    const record = startedRecord(member, outgoing.head.method, outgoing.head.target, '1.1');
    // TLS members get the name the client asked for, as the amphora's `sni ssl_fc_sni`.
    const serverName = pool.memberTls === null ? null : clientServerNameOf(this.client);
    const idle = fresh ? undefined : pool.sockets.takeIdle(member, serverName);
    if (idle !== undefined) {
      this.exchange(idle, member, outgoing, config, record, tried);
      return;
    }
    const { memberConnectMs, memberDataMs } = config.timeouts;
    pool.sockets.connect(member, memberConnectMs, memberDataMs, serverName).then(
      (channel) => {
        record.connectMs = Date.now() - record.start;
        if (this.closed) channel.socket.destroy();
        else this.exchange(channel, member, outgoing, config, record, tried);
      },
      (error) => {
        pool.failed(member, error);
        if (!this.closed) this.send(outgoing, config, new Set(tried).add(member.id), false);
      },
    );
  }

  private exchange(
    channel: MemberChannel,
    member: MemberSpec,
    outgoing: Outgoing,
    config: HttpListenerConfig,
    record: ExchangeRecord,
    tried: ReadonlySet<string>,
  ): void {
    // Body bytes that came while connecting are in `pending`, in front of any next request.
    const sent = outgoing.raw.subarray(outgoing.head.end);
    const more = Math.min(outgoing.bodyLength - sent.length, this.pending.length);
    const body = more === 0 ? sent : Buffer.concat([sent, this.pending.subarray(0, more)]);
    this.pending = remainder(this.pending, more);
    this.current = new MemberExchange(this, channel, member, outgoing, config, record, tried);
    this.current.start(body);
    // Held back while connecting (pipelined bytes over a head's worth); the exchange now takes the body.
    if (this.current?.wantsBody) this.client.resume();
  }

  /** The exchange ended with the client connection still usable: on to the next request. */
  finished(keepAlive: boolean): void {
    this.current = null;
    this.busy = false;
    if (!keepAlive || this.closing) {
      this.closing = true;
      if (!this.endHeld) this.end();
      return;
    }
    // A client that does not read its answers gets no more until it does: pipelined requests would pile them up here.
    if (this.client.writableNeedDrain) {
      this.backlogged = true;
      return;
    }
    this.client.resume();
    this.next();
  }

  /** The request could not be served: the client gets the status, then the connection ends. */
  failed(status: 502 | 504): void {
    this.current = null;
    this.env.counters.requestErrors++;
    countResponse(this.env.counters.responses!, status);
    this.end(GATEWAY_ANSWERS[status].closingWire);
  }

  get clientClosed(): boolean {
    return this.closed;
  }
}

/**
 * The client connection's listeners: functions shared by every session, which find theirs through the socket, so an
 * idle connection holds no closures of its own (bench/idle-connections).
 */
const SESSION = Symbol('session');
/** Null once handed over: what the socket reads goes to the general path. */
type SessionSocket = Socket & { [SESSION]: FastHttpSession | null };

function sessionData(this: SessionSocket, chunk: Buffer): void {
  this[SESSION]!.onData(chunk);
}

/** Where client connections read into while their reads are small (shared-reads.ts): requests, copied out. */
const CLIENT_READS = Buffer.allocUnsafeSlow(READ_BYTES);
/** The last client read was large: the next goes into a buffer of its connection's own, to be handed on as it is. */
let largeRead = false;
/** How large that buffer is: a TLS connection's reads are its records, decrypted one at a time (16 KiB at most). */
let ownReadBytes = READ_BYTES;
const TLS_RECORD_BYTES = 16 * 1024;

/** A client connection's read, for its session, or once handed over for the general path's stream. */
function sessionRead(this: SessionSocket, bytes: number, buffer: Buffer): boolean {
  largeRead = bytes >= HANDED_OVER_FROM;
  if (largeRead) ownReadBytes = (this as { encrypted?: boolean }).encrypted ? TLS_RECORD_BYTES : READ_BYTES;
  const read = buffer.subarray(0, bytes);
  const chunk = largeRead && buffer !== CLIENT_READS ? read : Buffer.from(read);
  const session = this[SESSION];
  // Paused by its session, a TLS connection still hands on every record decrypted from the read before: those wait
  // in its stream (sessionData takes them on resume), as Node's own reads would.
  if (session === null || this.isPaused()) return this.push(chunk);
  session.onData(chunk);
  return true;
}

function nextClientRead(): Buffer {
  return largeRead ? Buffer.allocUnsafeSlow(ownReadBytes) : CLIENT_READS;
}

function sessionGone(this: SessionSocket): void {
  this[SESSION]!.onClientGone();
}

function sessionEnd(this: SessionSocket): void {
  this[SESSION]!.onClientEnd();
}

function sessionDrain(this: SessionSocket): void {
  this[SESSION]!.onClientDrain();
}

function sessionIdle(this: SessionSocket): void {
  this[SESSION]!.onIdle();
}

function slowHead(session: FastHttpSession): void {
  session.onSlowHead();
}

/** What follows `taken` bytes; nothing, rather than an empty view that would keep the whole read buffer alive. */
function remainder(buffer: Buffer, taken: number): Buffer {
  return taken >= buffer.length ? EMPTY : buffer.subarray(taken);
}

/** What the fast path serves itself; the rest goes to the general path, which answers every case. */
function handlesHead(head: RequestHead): boolean {
  return head.version === '1.1' && !head.upgrade && !head.expectContinue && head.body.kind !== 'chunked';
}

/** Pools the fast path sends to: with members that take no PROXY header. */
function handlesRoute(config: HttpListenerConfig): boolean {
  return config.preamble === null && config.pool !== null;
}

/**
 * The request head as the member gets it: the client's request line and the field lines forwarding rules keep, as
 * the client sent them (one slice of its bytes when all are kept), then weir's forwarding fields.
 */
function requestHead(
  head: RequestHead,
  source: Buffer,
  client: Socket,
  config: HttpListenerConfig,
): { bytes: Buffer; added: string } {
  const { kept, added } = forwardingChanges(
    config.forwarding,
    forwardedRequest(config, client, head.fields, head.host ?? undefined, false),
  );
  let text = '';
  for (let i = 0; i < added.length; i += 2) text += `${added[i]}: ${added[i + 1]}\r\n`;
  text += '\r\n';
  // The field lines end where the empty line that ends the head starts.
  if (!kept.includes(false)) return { bytes: source.subarray(head.start, head.end - 2), added: text };
  const parts: Buffer[] = [source.subarray(head.start, head.fields[0]?.start ?? head.end - 2)];
  for (let i = 0; i < head.fields.length; i++) {
    if (kept[i]) parts.push(source.subarray(head.fields[i]!.start, head.fields[i]!.end));
  }
  return { bytes: Buffer.concat(parts), added: text };
}

/**
 * Whether the member's response head can go to the client as it came: the client's connection carries on, and the
 * head has no field about the member's connection other than `Connection: keep-alive`, which holds for weir's too.
 */
function relayedUnchanged(head: ResponseHead, keepClient: boolean): boolean {
  if (!keepClient) return false;
  for (const option of head.connectionOptions) if (option !== 'keep-alive') return false;
  for (const field of head.fields) if (field.name === 'keep-alive' || field.name === 'proxy-connection') return false;
  return true;
}

/** One request and its answer between the client and a member. */
class MemberExchange implements MemberChannelUser {
  private readonly upstream: Socket;
  private responseBuffer: Buffer = EMPTY;
  private response: ResponseHead | null = null;
  private framing: BodyFraming | null = null;
  private bodyLeft: number;
  /** The member sent more than its answer: its connection cannot be trusted for another. */
  private surplus = false;
  private done = false;
  /** When the request went to the member (performance.now()), for the listener's latency histogram. */
  private startedAt = 0;
  /** Decided when the answer's head is relayed, and said in it: whether the client's connection carries on. */
  private keepClient = false;
  /** The client is paused until the member's connection drains, or the member's until the client's does. */
  private waitingForMember = false;
  private waitingForClient = false;

  constructor(
    private readonly session: FastHttpSession,
    private readonly channel: MemberChannel,
    private readonly member: MemberSpec,
    private readonly outgoing: Outgoing,
    private readonly config: HttpListenerConfig,
    private readonly record: ExchangeRecord,
    private readonly tried: ReadonlySet<string>,
  ) {
    this.upstream = channel.socket;
    this.bodyLeft = outgoing.bodyLength;
  }

  get wantsBody(): boolean {
    return this.bodyLeft > 0 && !this.done;
  }

  start(body: Buffer): void {
    const { upstream } = this;
    this.startedAt = performance.now();
    this.channel.user = this;
    this.channel.timeout(this.config.timeouts.memberDataMs);
    this.config.pool!.started(this.member);
    const { bytes, added } = this.outgoing;
    if (this.bodyLeft === 0) {
      // A request without a body is written whole, with other connections' at the end of the turn (write-burst.ts).
      const head = Buffer.allocUnsafe(bytes.length + added.length);
      bytes.copy(head, 0);
      head.write(added, bytes.length, 'latin1');
      this.session.env.burst.write(upstream, head);
      return;
    }
    // Head and body in one write: corked, they leave in one system call.
    upstream.cork();
    upstream.write(bytes);
    let flowing = upstream.write(added, 'latin1');
    if (body.length > 0) flowing = upstream.write(body);
    upstream.uncork();
    this.bodyLeft -= body.length;
    if (!flowing && this.bodyLeft > 0) this.waitForMember();
  }

  /** Bytes of the request body arriving after its head; returns how many of `chunk` were body. */
  requestBody(chunk: Buffer): number {
    const take = Math.min(chunk.length, this.bodyLeft);
    this.bodyLeft -= take;
    if (!this.upstream.write(take === chunk.length ? chunk : chunk.subarray(0, take))) this.waitForMember();
    return take;
  }

  private waitForMember(): void {
    this.waitingForMember = true;
    this.session.client.pause();
  }

  memberDrain(): void {
    if (!this.waitingForMember || this.done) return;
    this.waitingForMember = false;
    this.session.client.resume();
  }

  clientDrain(): void {
    if (!this.waitingForClient || this.done) return;
    this.waitingForClient = false;
    this.upstream.resume();
  }

  memberData(chunk: Buffer): void {
    if (this.done) return;
    if (this.response === null) {
      this.responseBuffer = this.responseBuffer.length === 0 ? chunk : Buffer.concat([this.responseBuffer, chunk]);
      this.readHead();
      // Part of a head, waiting for the next read.
      this.responseBuffer = kept(this.responseBuffer);
      return;
    }
    const end = this.answerEnd(chunk, 0);
    if (end < 0) return;
    this.session.settle();
    this.send(chunk, 0, end);
    if (this.framing!.complete) this.finish(chunk, end);
  }

  private readHead(): void {
    const client = this.session.client;
    for (;;) {
      const parsed = parseResponseHead(this.responseBuffer, 0, HEAD_LIMITS, { method: this.outgoing.head.method });
      if (parsed.kind === 'incomplete') return;
      if (parsed.kind === 'invalid') {
        this.fail(502);
        return;
      }
      const head = parsed.head;
      // Switching protocols was not asked for on this path (upgrades take the general one).
      if (head.tunnel) {
        this.fail(502);
        return;
      }
      if (head.informational) {
        // 103 Early Hints and the like: relayed as they are; the final answer follows.
        this.session.settle();
        client.write(kept(this.responseBuffer.subarray(0, head.end)));
        this.responseBuffer = this.responseBuffer.subarray(head.end);
        continue;
      }
      this.response = head;
      if (this.config.accessLog !== null) this.record.responseMs = Date.now() - this.record.start;
      this.record.status = head.status;
      countResponse(this.session.env.counters.responses!, head.status);
      this.framing = bodyFraming(head.body);
      // A member answering before the request's body is all in leaves the rest of it unread: the client's connection
      // cannot carry another request after that.
      this.keepClient = this.outgoing.head.keepAlive && head.body.kind !== 'close' && this.bodyLeft === 0;
      const stickiness = this.config.pool!.stickiness;
      const added = stickiness === null ? null : answerCookie(stickiness, this.member.id, this.outgoing.head, head);
      const unchanged = added === null && relayedUnchanged(head, this.keepClient);
      const rest = this.responseBuffer;
      this.responseBuffer = EMPTY;
      const end = this.answerEnd(rest, head.end);
      if (end < 0) return;
      const from = unchanged ? 0 : head.end;
      // A whole answer waits for the end of the turn (write-burst.ts), and so does the end of a connection it is the
      // last answer on; not when it is logged, as the log line counts the bytes written.
      if (this.framing.complete && this.config.accessLog === null) {
        const relayed = from === 0 && end === rest.length ? rest : rest.subarray(from, end);
        const answer = unchanged ? kept(relayed) : Buffer.concat([this.responseHeadFor(head, rest, added), relayed]);
        this.session.hold(answer, !this.keepClient);
      } else {
        this.session.settle();
        // The head and the body bytes that came with it leave in one system call.
        client.cork();
        if (!unchanged) client.write(this.responseHeadFor(head, rest, added));
        this.send(rest, from, end);
        client.uncork();
      }
      if (this.framing.complete) this.finish(rest, end);
      else this.channel.streaming = true;
      return;
    }
  }

  /**
   * The member's status line and fields, less those about its connection, and weir's own Connection field and
   * persistence field lines (`setCookie`).
   */
  private responseHeadFor(head: ResponseHead, source: Buffer, setCookie: string | null): Buffer {
    const parts: Buffer[] = [source.subarray(0, head.statusLineEnd)];
    for (const field of head.fields) {
      const listed = head.connectionOptions.includes(field.name) && !FRAMING_FIELDS.has(field.name);
      if (RESPONSE_HOP_BY_HOP.has(field.name) || listed) continue;
      parts.push(source.subarray(field.start, field.end));
    }
    if (!this.keepClient) parts.push(CLOSE_FIELD);
    if (setCookie !== null) parts.push(Buffer.from(setCookie, 'latin1'));
    parts.push(CRLF);
    return Buffer.concat(parts);
  }

  /** Where the answer ends in `chunk`, its body read from `bodyStart` on; -1 when its framing is broken (failed). */
  private answerEnd(chunk: Buffer, bodyStart: number): number {
    const framing = this.framing!;
    if (framing.complete || bodyStart >= chunk.length) return bodyStart;
    const used = framing.feed(chunk, bodyStart);
    if (used >= 0) return bodyStart + used;
    this.fail(502);
    return -1;
  }

  /** Relays `chunk[from, end)`, the member paused while the client's connection is full. */
  private send(chunk: Buffer, from: number, end: number): void {
    if (end <= from) return;
    if (!this.session.client.write(kept(from === 0 && end === chunk.length ? chunk : chunk.subarray(from, end)))) {
      this.waitingForClient = true;
      this.upstream.pause();
    }
  }

  /** The answer is complete at `end`: whatever the chunk holds after it is surplus. */
  private finish(chunk: Buffer, end: number): void {
    this.surplus = end < chunk.length;
    this.complete();
  }

  private complete(): void {
    if (this.done) return;
    this.done = true;
    const { channel, member, config, response } = this;
    this.detach();
    const pool = config.pool!;
    pool.ended(member);
    recordLatency(this.session.env.counters.latency!, (performance.now() - this.startedAt) / 1000);
    const reusable = response!.keepAlive && response!.body.kind !== 'close' && this.bodyLeft === 0 && !this.surplus;
    if (reusable) pool.sockets.release(channel, pooledIdleMs(config.timeouts));
    else channel.socket.destroy();
    this.session.env.logged(this.session.client, this.record);
    this.session.finished(this.keepClient);
  }

  /** The member failed the exchange: an error status if nothing was relayed yet, else the client is cut. */
  private fail(status: 502 | 504): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    this.upstream.destroy();
    this.config.pool!.ended(this.member);
    this.record.termination = 'member-error';
    this.session.env.logged(this.session.client, this.record);
    if (this.response === null && !this.session.clientClosed) this.session.failed(status);
    else {
      this.session.env.counters.requestErrors++;
      this.session.client.destroy();
    }
  }

  memberGone(failed: boolean): void {
    // A reset is not the end of a close-delimited answer: the client must not take a cut body for a whole one.
    if (!failed && this.framing?.closed()) {
      this.complete();
      return;
    }
    // A pooled connection the member closed as it was reused: a request that is safe to repeat (the member may have
    // seen it) and has no body (what came of it after the head went to the closed connection) goes again on a new one.
    const untouched = this.response === null && this.responseBuffer.length === 0;
    const repeatable = SAFE_METHODS.has(this.outgoing.head.method) && this.outgoing.bodyLength === 0;
    if (untouched && this.channel.reused && repeatable && !this.done) {
      this.done = true;
      this.detach();
      this.upstream.destroy();
      this.config.pool!.ended(this.member);
      this.session.send(this.outgoing, this.config, this.tried, true);
      return;
    }
    this.fail(502);
  }

  /** The member finished sending: the end of a close-delimited answer, else it is gone before its answer ended. */
  memberEnd(): void {
    if (this.framing?.closed()) this.complete();
    else this.memberGone(false);
  }

  memberTimeout(): void {
    this.fail(504);
  }

  clientGone(): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    this.upstream.destroy();
    this.config.pool!.ended(this.member);
  }

  private detach(): void {
    this.channel.user = null;
    this.channel.streaming = false;
    if (this.waitingForClient) this.upstream.resume();
  }
}
