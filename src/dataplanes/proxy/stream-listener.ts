import type { Server as HttpServer } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { ListenerCounters } from './traffic-counters.ts';

/**
 * What TCP and HTTP listeners share: a bound server, the connections it holds, and a configuration that is swapped
 * whole, so connections already accepted keep the one they started with and a change drops nothing.
 */
export abstract class StreamListener<Config> {
  protected readonly connections = new Set<Socket>();

  protected constructor(
    protected readonly server: Server | HttpServer,
    protected config: Config,
    /** Shared by the listener's sockets on every VIP of its load balancer. */
    protected readonly counters: ListenerCounters,
  ) {}

  reconfigure(config: Config): void {
    this.config = config;
  }

  /**
   * Stops accepting at once, so the port can be bound again, and closes idle keep-alive connections. Open ones
   * finish on their own, unless `drop`: then they are closed and this resolves when they are gone.
   */
  async close(drop = false): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if ('closeIdleConnections' in this.server) this.server.closeIdleConnections();
    if (!drop) return;
    for (const socket of this.connections) socket.destroy();
    await closed;
  }
}
