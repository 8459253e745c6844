import { createServer, type Server, type Socket } from 'node:net';
import type { Admission, ConnectionBudget } from './admission.ts';
import { listen } from './listen.ts';
import { StreamListener } from './stream-listener.ts';
import { relayTcp, type TcpRoute } from './tcp-relay.ts';
import type { ListenerCounters } from './traffic-counters.ts';

/** What a TCP listener does with a new connection; swapped whole on reconfiguration. */
export interface TcpListenerConfig extends Omit<TcpRoute, 'counters' | 'done'> {
  admission: Admission;
  budget: ConnectionBudget;
}

/**
 * A bound TCP listener. Reconfiguring swaps the config new connections get; connections already relayed keep the
 * route they started with, so a change drops nothing. Closing stops accepting and lets open connections finish.
 */
export class TcpListener extends StreamListener<TcpListenerConfig> {
  private constructor(server: Server, config: TcpListenerConfig, counters: ListenerCounters) {
    super(server, config, counters);
    server.on('connection', (socket) => this.accept(socket));
  }

  static async open(
    host: string,
    port: number,
    config: TcpListenerConfig,
    counters: ListenerCounters,
  ): Promise<TcpListener> {
    // Paused on connect: what a client sends first waits in the kernel until a member is connected.
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    const listener = new TcpListener(server, config, counters);
    await listen(server, host, port);
    return listener;
  }

  private accept(socket: Socket): void {
    const config = this.config;
    const refusal = config.admission.refuse(socket.remoteAddress, this.counters.activeConnections);
    if (refusal !== null) {
      this.counters.requestErrors++;
      socket.destroy();
      return;
    }
    config.budget.active++;
    this.connections.add(socket);
    void relayTcp(socket, {
      ...config,
      counters: this.counters,
      done: () => {
        config.budget.active--;
        this.connections.delete(socket);
      },
    });
  }
}
