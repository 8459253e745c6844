import { createServer, type Server, type Socket } from 'node:net';
import type { Admission } from './admission.ts';
import { listen } from './listen.ts';
import { StreamListener } from './stream-listener.ts';
import { relayTcp, type TcpRoute } from './tcp-relay.ts';
import type { TlsTermination } from './tls/tls-termination.ts';
import type { ListenerCounters } from './traffic-counters.ts';

/** What a TCP listener does with a new connection; swapped whole on reconfiguration. */
export interface TcpListenerConfig extends TcpRoute {
  admission: Admission;
  /** TERMINATED_TLS: the TLS the listener decrypts before relaying; null for TCP and HTTPS passed through. */
  tls: TlsTermination | null;
}

/**
 * A bound TCP listener. Reconfiguring swaps the config new connections get; connections already relayed keep the
 * route they started with, so a change drops nothing. Closing stops accepting and lets open connections finish.
 */
export class TcpListener extends StreamListener<TcpListenerConfig> {
  private constructor(server: Server, config: TcpListenerConfig, counters: ListenerCounters) {
    super(server, config, counters);
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

  protected serve(socket: Socket, config: TcpListenerConfig): void {
    relayTcp(socket, config, this.counters);
  }
}
