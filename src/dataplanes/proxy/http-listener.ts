import {
  type ClientRequest,
  createServer as createHttpServer,
  type IncomingMessage,
  request as memberRequest,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { createServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { L7Answer } from '../../l7/l7-answer.ts';
import type { L7Router } from '../../l7/l7-router.ts';
import { MessageFacts } from '../../l7/message-facts.ts';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import type { AddressSet } from '../../network/address-set.ts';
import type { AccessLog } from '../../observability/access-log/access-log.ts';
import { answerClientError } from '../../protocols/http/client-error-answer.ts';
import { fieldsOf, type ListenerForwarding } from '../../protocols/http/forwarding-headers.ts';
import { holdsForbiddenValue } from '../../protocols/http/header-syntax.ts';
import { connectionOf, isHttp2Request } from '../../protocols/http/http2-request.ts';
import { followsRefusal, refuseRequest } from '../../protocols/http/refusal.ts';
import { requestProblem } from '../../protocols/http/request-guard.ts';
import { countResponse, emptyResponses } from '../http-responses.ts';
import { emptyLatency, recordLatency } from '../request-latency.ts';
import type { Admission } from './admission.ts';
import type { ExchangeRecord } from './exchange-record.ts';
import { FastHttpSession, type FastSessionEnv } from './fast-http-session.ts';
import { GATEWAY_ANSWERS } from './gateway-answer.ts';
import { Http2Front } from './http2-front.ts';
import { listen } from './listen.ts';
import { openMemberSocket } from './member-connection.ts';
import { memberHeaders } from './member-headers.ts';
import { memberReadyEvent } from './member-tls.ts';
import { insertedCookieFields } from './persistence/inserted-cookie-fields.ts';
import { MEMBER_ATTEMPTS, type PoolRuntime } from './pool-runtime.ts';
import { hostAuthority, type Preamble } from './proxy-preamble.ts';
import { StreamListener } from './stream-listener.ts';
import { clientServerNameOf, tlsConnectionOf } from './tls/tls-connection.ts';
import type { TlsTermination } from './tls/tls-termination.ts';
import type { ListenerCounters } from './traffic-counters.ts';
import { relayUpgradeAnswer } from './upgrade-answer.ts';
import { WriteBurst } from './write-burst.ts';

/** What an HTTP listener does with requests; swapped whole on reconfiguration. */
export interface HttpListenerConfig {
  listenerId: string;
  accessLog: AccessLog | null;
  pool: PoolRuntime | null;
  admission: Admission;
  forwarding: ListenerForwarding;
  /** trusted_proxies: peers whose forwarding headers are believed. */
  trusted: AddressSet;
  timeouts: { clientDataMs: number; memberConnectMs: number; memberDataMs: number };
  /** The PROXY protocol header a PROXY or PROXYV2 pool's members expect on each new connection, or null. */
  preamble: Preamble | null;
  /** TERMINATED_HTTPS: the TLS the listener decrypts; null for HTTP. */
  tls: TlsTermination | null;
  /** The listener's L7 policies: per request, the configuration to serve it with, or an answer; null: none. */
  routes: L7Router<HttpListenerConfig> | null;
}

/** The general path's part of an exchange's record; the rest comes from the request and response objects. */
type Exchange = Pick<ExchangeRecord, 'start' | 'member' | 'connectMs' | 'responseMs' | 'termination'>;

/** Bytes a keep-alive connection had read and written when its previous request ended. */
const marks = new WeakMap<Socket, { read: number; written: number }>();

// Never relayed from a member's response: they describe the member's connection, not the answer.
const RESPONSE_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * A bound HTTP/1.1 listener: requests are checked (framing, smuggling), given forwarding headers and relayed to a
 * member over a pooled keep-alive connection; answers are streamed back. No eligible member: an immediate 503.
 */
export class HttpListener extends StreamListener<HttpListenerConfig> {
  private constructor(
    server: ReturnType<typeof createServer>,
    /** Not bound itself: connections are handed to it once admitted. */
    private readonly http: Server,
    config: HttpListenerConfig,
    counters: ListenerCounters,
  ) {
    super(server, config, counters);
    counters.totalRequests ??= 0;
    counters.latency ??= emptyLatency();
    counters.responses ??= emptyResponses();
    counters.deniedRequests ??= 0;
    http.on('request', (request: IncomingMessage, response: ServerResponse) => this.handle(request, response));
    http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(request, socket, head));
    http.on('clientError', (error, socket) => this.unreadable(error, socket));
    // The HTTP/2 fast path needs what the HTTP/1.1 one does, less the hand-over (it leaves streams, not connections).
    this.h2 = new Http2Front(config.timeouts.clientDataMs, this.fastEnv, (request, response) =>
      this.handle(request, response),
    );
    const listener = this;
    this.decryptedClosed = function (this: Socket) {
      listener.sessions.delete(this);
    };
  }

  /** One close listener for every TLS socket (`this` is the socket), rather than a closure each. */
  private readonly decryptedClosed: (this: Socket) => void;

  /** TERMINATED_HTTPS connections whose handshake chose HTTP/2. */
  private readonly h2: Http2Front;

  static async open(
    host: string,
    port: number,
    config: HttpListenerConfig,
    counters: ListenerCounters,
  ): Promise<HttpListener> {
    const idle = config.timeouts.clientDataMs;
    const http = createHttpServer({
      requireHostHeader: true,
      // Slow clients are cut off by the client timeout; Node checks it only every connectionsCheckingInterval.
      headersTimeout: idle,
      requestTimeout: 0,
      keepAliveTimeout: idle,
      connectionsCheckingInterval: Math.min(1_000, idle),
      noDelay: true,
    });
    // Node starts checking those timeouts when an HTTP server starts listening; this one never does itself.
    http.emit('listening');
    // Half-open, as Node's own HTTP server: a client that finished sending still gets its answers.
    const server = createServer({ pauseOnConnect: true, noDelay: true, allowHalfOpen: true });
    const listener = new HttpListener(server, http, config, counters);
    try {
      await listen(server, host, port);
    } catch (error) {
      http.close(() => {});
      throw error;
    }
    return listener;
  }

  protected serve(socket: Socket, config: HttpListenerConfig): void {
    if (config.tls !== null && (socket as TLSSocket).alpnProtocol === 'h2') {
      this.h2.serve(socket as TLSSocket);
      return;
    }
    this.sessions.set(socket, new FastHttpSession(socket, this.fastEnv));
    // `ended` hears of the connection the listener holds, not of the TLS socket over it.
    if (config.tls !== null) socket.once('close', this.decryptedClosed);
    socket.resume();
  }

  protected override ended(socket: Socket): void {
    this.sessions.delete(socket);
  }

  /** Connections on the fast path; the general path's are the `http` server's. */
  private readonly sessions = new Map<Socket, FastHttpSession>();

  /** What the fast paths need of their listener: the general path to hand connections to, and the access log. */
  private readonly fastEnv: FastSessionEnv = {
    config: () => this.config,
    counters: this.counters,
    handOver: (socket, unread) => {
      this.sessions.delete(socket);
      if (unread.length > 0) socket.unshift(unread);
      this.http.emit('connection', socket);
      socket.resume();
    },
    logged: (socket, record) => {
      if (this.config.accessLog) this.writeLog(this.config, socket, record);
    },
    burst: new WriteBurst(),
  };

  protected override closeIdle(): void {
    // Also stops the timeout checks; the server was never bound, so it has nothing else to close.
    this.http.close(() => {});
    this.h2.closeIdle();
    for (const session of this.sessions.values()) session.closeWhenIdle();
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.counters.totalRequests!++;
    if (followsRefusal(request)) return void request.socket.destroy();
    const problem = requestProblem(request, isHttp2Request(request));
    const routed = problem === null ? routeOf(this.config, request) : this.config;
    const config = routed instanceof L7Answer ? this.config : routed;
    const exchange: Exchange = { start: Date.now(), member: null, connectMs: -1, responseMs: -1, termination: null };
    if (config.accessLog) response.once('close', () => this.logExchange(config, request, response, exchange));
    const started = performance.now();
    const counters = this.counters;
    response.once('finish', () => {
      countResponse(counters.responses!, response.statusCode);
      // Answers from members only: the histogram says how long members took with them.
      if (exchange.member !== null) recordLatency(counters.latency!, (performance.now() - started) / 1000);
    });
    if (problem !== null) {
      exchange.termination = 'refused';
      this.counters.requestErrors++;
      refuseRequest(request, response, problem);
      return;
    }
    if (routed instanceof L7Answer) {
      if (routed.denies) this.counters.deniedRequests!++;
      return void answer(request, response, routed);
    }
    const headers = upstreamHeaders(config, request, false);
    this.forward(request, response, headers, config, new Set(), exchange);
  }

  private logExchange(
    config: HttpListenerConfig,
    request: IncomingMessage,
    response: ServerResponse,
    exchange: Exchange,
  ): void {
    this.writeLog(config, connectionOf(request), {
      ...exchange,
      status: response.statusCode,
      method: request.method ?? '',
      path: request.url ?? '',
      httpVersion: request.httpVersion,
    });
  }

  /** One access log line; the bytes are what the connection carried since its previous line. */
  private writeLog(config: HttpListenerConfig, socket: Socket, exchange: ExchangeRecord): void {
    const before = marks.get(socket) ?? { read: 0, written: 0 };
    const now = { read: socket.bytesRead, written: socket.bytesWritten };
    marks.set(socket, now);
    config.accessLog!.write({
      start: exchange.start,
      protocol: 'HTTP',
      listenerId: config.listenerId,
      poolId: config.pool?.spec.id ?? null,
      memberId: exchange.member?.id ?? null,
      clientAddress: socket.remoteAddress ?? '',
      clientPort: socket.remotePort ?? 0,
      connectMs: exchange.connectMs,
      responseMs: exchange.responseMs,
      totalMs: Date.now() - exchange.start,
      status: exchange.status,
      bytesIn: now.read - before.read,
      bytesOut: now.written - before.written,
      method: exchange.method,
      path: exchange.path,
      httpVersion: exchange.httpVersion,
      termination: exchange.termination,
    });
  }

  /** Sends the request to a member; a member that cannot be connected to is skipped while nothing was sent yet. */
  private forward(
    request: IncomingMessage,
    response: ServerResponse,
    headers: string[],
    config: HttpListenerConfig,
    tried: Set<string>,
    exchange: Exchange,
  ): void {
    const member =
      tried.size < MEMBER_ATTEMPTS ? config.pool?.pick(request.socket, tried, request.headers.cookie) : undefined;
    if (!member) {
      exchange.termination = 'no-member';
      this.unavailable(response, tried.size > 0 ? 502 : 503);
      return;
    }
    tried.add(member.id);
    exchange.member = member;
    const pool = config.pool!;
    let upstream: ClientRequest;
    try {
      upstream = memberRequest({
        ...target(member),
        method: request.method,
        path: request.url,
        headers: headers as unknown as OutgoingHttpHeaders,
        setHost: false,
        ...(config.preamble
          ? // The header names one client, so such connections are never shared between clients. No agent at all:
            // with one (even `agent: false`) Node ignores createConnection and the header would never be sent.
            { createConnection: () => withPreamble(member, pool, config.preamble!, request) }
          : { agent: pool.agents.agentFor(member, clientServerNameOf(request.socket)) }),
      });
    } catch {
      // Node refuses to write a head it could not frame (a control character in a value): that costs this request,
      // not the worker and every connection on it. Nothing was sent, and no member would take it either.
      exchange.termination = 'unwritable-head';
      this.unavailable(response, 502);
      return;
    }
    pool.started(member);
    let connected = false;
    const connectTimer = setTimeout(
      () => upstream.destroy(new Error('connect timeout')),
      config.timeouts.memberConnectMs,
    );
    upstream.once('socket', (socket: Socket) => {
      const ready = () => {
        connected = true;
        exchange.connectMs = Date.now() - exchange.start;
        clearTimeout(connectTimer);
      };
      // A TLS connection is ready once its handshake is done: a failed one is a member not reached, as a refusal.
      const event = memberReadyEvent(socket);
      if (event === null) ready();
      else socket.once(event, ready);
    });
    let timedOut = false;
    upstream.setTimeout(config.timeouts.memberDataMs, () => {
      timedOut = true;
      upstream.destroy(new Error('member timeout'));
    });
    upstream.once('close', () => {
      clearTimeout(connectTimer);
      pool.ended(member);
    });
    upstream.once('response', (answer) => {
      exchange.responseMs = Date.now() - exchange.start;
      const headers = responseHeaders(answer.rawHeaders);
      const cookie = pool.stickiness?.answered(member.id, request.headers.cookie, answer.headers['set-cookie'] ?? []);
      if (cookie) {
        headers.push(...insertedCookieFields(cookie, request.method!, answer.statusCode!, fieldsOf(answer.rawHeaders)));
      }
      // HTTP/2 has no reason phrase.
      if (isHttp2Request(request)) response.writeHead(answer.statusCode ?? 502, headers);
      else response.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      answer.pipe(response);
      answer.once('error', () => response.destroy());
    });
    upstream.once('error', (error) => {
      // The client's own body broke off: Node's parser answers it (400); a second answer would be one too many.
      if (request.errored) return void response.destroy();
      exchange.termination = 'member-error';
      if (response.headersSent) return void response.destroy();
      // Nothing of a body-less request reached a member that was never connected: another may take it.
      if (!connected && !hasBody(request)) {
        pool.failed(member, error);
        this.forward(request, response, headers, config, tried, exchange);
        return;
      }
      if (!connected) pool.failed(member, error);
      // A member that said nothing for timeout_member_data: 504, as HAProxy answers its `timeout server`.
      this.unavailable(response, !connected ? 503 : timedOut ? 504 : 502);
    });
    request.once('error', () => upstream.destroy());
    response.once('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    // A retried request was read already: what it had is in `headers`, and it has no body.
    if (request.readableEnded) upstream.end();
    else request.pipe(upstream);
  }

  /** WebSocket and other upgrades: the request head goes to a member, then bytes flow both ways. */
  private upgrade(request: IncomingMessage, client: Socket, head: Buffer): void {
    this.counters.totalRequests!++;
    const problem = requestProblem(request);
    const routed = problem === null ? routeOf(this.config, request) : this.config;
    if (routed instanceof L7Answer) {
      if (routed.denies) this.counters.deniedRequests!++;
      countResponse(this.counters.responses!, routed.status);
      return void client.end(routed.wire(true));
    }
    const config = routed;
    const member = problem === null ? config.pool?.pick(client, new Set(), request.headers.cookie) : undefined;
    if (!member) return void this.refuseUpgrade(client, problem === null ? 503 : 400);
    const headers = upstreamHeaders(config, request, true);
    // Written as they are below: a value that could end its line must not reach the member.
    if (holdsForbiddenValue(headers)) return void this.refuseUpgrade(client, 502);
    const pool = config.pool!;
    const preface = config.preamble ? config.preamble(client, hostAuthority(request.headers.host)) : undefined;
    const upstream = openMemberSocket(member, pool.memberTls, { preface, serverName: clientServerNameOf(client) });
    pool.started(member);
    upstream.once('close', () => pool.ended(member));
    // A tunnel lives as long as both ends: either end going away takes the other with it.
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.once('close', () => upstream.destroy());
    let lines = `${request.method} ${request.url} HTTP/1.1\r\n`;
    for (let i = 0; i < headers.length; i += 2) lines += `${headers[i]}: ${headers[i + 1]}\r\n`;
    // Values are bytes one per character, as Node's parser read them and as certificate names are given.
    upstream.write(`${lines}\r\n`, 'latin1');
    if (head.length > 0) upstream.write(head);
    relayUpgradeAnswer(upstream, client, request, member.id, pool.stickiness, this.counters.responses!);
    client.pipe(upstream);
  }

  /** A request Node's parser could not read (or whose head took too long): answered as Node would, and counted. */
  private unreadable(error: Error & { code?: string }, socket: Duplex): void {
    const status = answerClientError(error, socket);
    if (status === null) return;
    // Malformed requests are request errors; a client too slow with its head is not (as the fast path's 408).
    if (status !== 408) this.counters.requestErrors++;
    countResponse(this.counters.responses!, status);
  }

  /** Answers an upgrade weir cannot pass on (refused, no member, a head it cannot write) and ends the connection. */
  private refuseUpgrade(client: Socket, status: 400 | 502 | 503): void {
    this.counters.requestErrors++;
    countResponse(this.counters.responses!, status);
    client.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  }

  private unavailable(response: ServerResponse, status: 502 | 503 | 504): void {
    this.counters.requestErrors++;
    if (response.headersSent) return void response.destroy();
    const { fields, body } = GATEWAY_ANSWERS[status];
    response.writeHead(status, fields);
    response.end(body);
  }
}

function target(member: MemberSpec): { socketPath: string } | { host: string; port: number } {
  return member.socketPath ? { socketPath: member.socketPath } : { host: member.address, port: member.port };
}

/** The request's headers as a member gets them: forwarding headers rewritten for the client behind the socket. */
function upstreamHeaders(config: HttpListenerConfig, request: IncomingMessage, webSocketUpgrade: boolean): string[] {
  return memberHeaders(config, connectionOf(request), request.rawHeaders, request.headers.host, webSocketUpgrade);
}

function withPreamble(member: MemberSpec, pool: PoolRuntime, preamble: Preamble, request: IncomingMessage): Socket {
  const preface = preamble(request.socket, hostAuthority(request.headers.host));
  return openMemberSocket(member, pool.memberTls, { preface, serverName: clientServerNameOf(request.socket) });
}

/** The configuration the listener's L7 policies serve the request with, or their answer to it. */
function routeOf(config: HttpListenerConfig, request: IncomingMessage): HttpListenerConfig | L7Answer {
  return config.routes === null
    ? config
    : config.routes.route(new MessageFacts(request, tlsConnectionOf(request.socket)?.facts ?? null));
}

/** A redirect keeps the connection unless a request body would be left unread on it; a REJECT ends it. */
function answer(request: IncomingMessage, response: ServerResponse, routed: L7Answer): void {
  const fields = routed.fields();
  // HTTP/2 ends a stream, never the connection, and has no Connection field.
  if (!isHttp2Request(request) && (routed.closes || hasBody(request))) fields.connection = 'close';
  response.writeHead(routed.status, fields);
  response.end(routed.body);
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function responseHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!RESPONSE_HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}
