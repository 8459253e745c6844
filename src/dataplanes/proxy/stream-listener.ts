import type { Server, Socket } from 'node:net';
import type { Admission } from './admission.ts';
import type { TlsTermination } from './tls/tls-termination.ts';
import type { ListenerCounters } from './traffic-counters.ts';

/**
 * What TCP and HTTP listeners share: a bound server that admits connections (paused until admitted), the
 * connections it holds, and a configuration that is swapped whole, so connections already accepted keep the one
 * they started with and a change drops nothing.
 */
export interface StreamConfig {
  admission: Admission;
  /** TLS the listener terminates (TERMINATED_HTTPS, TERMINATED_TLS), or null: connections are served as they come. */
  tls: TlsTermination | null;
  timeouts: { clientDataMs: number };
}

export abstract class StreamListener<Config extends StreamConfig> {
  /** Each connection held, with the configuration whose admission gave it its slots. */
  protected readonly connections = new Map<Socket, Config>();
  /** One close listener for all the connections (`this` is the socket), rather than a closure each. */
  private readonly connectionClosed: (this: Socket) => void;

  protected constructor(
    /** Created with pauseOnConnect: nothing is read from a connection before it is admitted. */
    protected readonly server: Server,
    protected config: Config,
    /** Shared by the listener's sockets on every VIP of its load balancer. */
    protected readonly counters: ListenerCounters,
  ) {
    server.on('connection', (socket: Socket) => this.admit(socket));
    const listener = this;
    this.connectionClosed = function (this: Socket) {
      listener.closed(this);
    };
  }

  reconfigure(config: Config): void {
    this.config = config;
  }

  /**
   * Stops accepting at once, so the port can be bound again, and closes idle keep-alive connections. Open ones
   * finish on their own, unless `drop`: then they are closed and this resolves when they are gone.
   */
  async close(drop = false): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.closeIdle();
    if (!drop) return;
    for (const socket of this.connections.keys()) socket.destroy();
    await closed;
  }

  /**
   * An admitted connection, decrypted when the listener terminates TLS; its slots go back when it closes. The
   * listener holds and counts the connection as it came (bytes on the wire), whose close also closes a TLS socket.
   */
  protected abstract serve(socket: Socket, config: Config): void;

  /** Closes connections that wait for nothing (HTTP keep-alive). */
  protected closeIdle(): void {}

  /** A served connection closed, its slots given back and its bytes counted. */
  protected ended(_socket: Socket): void {}

  private admit(socket: Socket): void {
    const config = this.config;
    const verdict = config.admission.admit(socket.remoteAddress);
    if (verdict === true) this.begin(socket, config);
    else if (verdict === false) this.refuse(socket);
    else {
      // Held while a slot is sought elsewhere, and dropped with the others if the listener goes meanwhile.
      this.connections.set(socket, config);
      socket.on('error', ignore);
      void verdict.then((admitted) => {
        socket.removeListener('error', ignore);
        this.connections.delete(socket);
        if (!admitted) this.refuse(socket);
        else if (socket.destroyed) config.admission.release();
        else this.begin(socket, config);
      });
    }
  }

  private begin(socket: Socket, config: Config): void {
    this.counters.totalConnections++;
    this.counters.activeConnections++;
    this.connections.set(socket, config);
    socket.on('close', this.connectionClosed);
    const { tls } = config;
    if (tls) tls.accept(socket, config.timeouts.clientDataMs, (secure) => this.serve(secure, config));
    else this.serve(socket, config);
  }

  private closed(socket: Socket): void {
    const config = this.connections.get(socket);
    this.connections.delete(socket);
    config?.admission.release();
    this.counters.activeConnections--;
    this.counters.bytesIn += socket.bytesRead;
    this.counters.bytesOut += socket.bytesWritten;
    this.ended(socket);
  }

  private refuse(socket: Socket): void {
    this.counters.requestErrors++;
    socket.destroy();
  }
}

function ignore(): void {}
