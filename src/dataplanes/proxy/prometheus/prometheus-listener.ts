import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type AddressSet, addressSet } from '../../../network/address-set.ts';
import { listen } from '../listen.ts';

/** What a PROMETHEUS listener serves and to whom; swapped whole on reconfiguration. */
export interface PrometheusListenerConfig {
  /** allowed_cidrs; null: every source. */
  allowed: AddressSet | null;
  /** connection_limit; null: unlimited. */
  connectionLimit: number | null;
  /** The exposition text of one scrape. */
  scrape: () => Promise<string>;
}

/** The content type of Prometheus' text exposition format 0.0.4. */
const EXPOSITION_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A bound PROMETHEUS listener: GET /metrics answers with the load balancer's metrics, anything else 404 (405 for
 * other methods on /metrics). It runs in weir's process, not in the proxy workers, so one scrape sees every
 * worker's counters.
 */
export class PrometheusListener {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private config: PrometheusListenerConfig,
  ) {
    server.on('connection', (socket: Socket) => {
      if (this.config.allowed && !this.config.allowed.has(socket.remoteAddress ?? '')) return void socket.destroy();
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.serve(request, response));
  }

  static async open(host: string, port: number, config: PrometheusListenerConfig): Promise<PrometheusListener> {
    const server = createServer({ requireHostHeader: false, keepAliveTimeout: 5_000 });
    const listener = new PrometheusListener(server, config);
    listener.reconfigure(config);
    await listen(server, host, port);
    return listener;
  }

  reconfigure(config: PrometheusListenerConfig): void {
    this.config = config;
    // Node's own count: connections past it are closed on accept.
    this.server.maxConnections = config.connectionLimit ?? Number.POSITIVE_INFINITY;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return void response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
    }
    this.config.scrape().then(
      (text) => {
        response.writeHead(200, { 'content-type': EXPOSITION_TYPE });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: Error) => {
        console.error(`weir: proxy: PROMETHEUS listener: ${error.message}`);
        response.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  }
}

export const allowedSources = (cidrs: readonly string[]): AddressSet | null =>
  cidrs.length > 0 ? addressSet(cidrs) : null;
