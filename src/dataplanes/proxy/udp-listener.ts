import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import type { AccessLog } from '../../observability/access-log/access-log.ts';
import type { Admission } from './admission.ts';
import type { PoolRuntime } from './pool-runtime.ts';
import type { ListenerCounters } from './traffic-counters.ts';

/** What a UDP listener does with new client flows; swapped whole on reconfiguration. */
export interface UdpListenerConfig {
  listenerId: string;
  accessLog: AccessLog | null;
  pool: PoolRuntime | null;
  admission: Admission;
  /** A flow without a datagram either way for this long is forgotten. */
  idleMs: number;
}

/** One client address and port, relayed to one member through a socket of its own. */
interface Flow {
  start: number;
  client: RemoteInfo;
  bytesIn: number;
  bytesOut: number;
  config: UdpListenerConfig;
  member: MemberSpec;
  pool: PoolRuntime;
  admission: Admission;
  upstream: Socket;
  timer: NodeJS.Timeout;
}

/**
 * A UDP listener relayed in user space: each client address and port is a flow, pinned to the member picked for
 * its first datagram, with a socket of its own towards the member so answers find their way back. Members see
 * weir's address, not the client's: keeping the client's needs the kernel (nftables DNAT), which the kernel
 * providers bring.
 */
export class UdpListener {
  private readonly flows = new Map<string, Flow>();
  /** Flows waiting for a connection slot held by another worker; their later datagrams are dropped meanwhile. */
  private readonly admitting = new Set<string>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private config: UdpListenerConfig,
    private readonly counters: ListenerCounters,
  ) {
    socket.on('message', (message, client) => this.receive(message, client));
  }

  static open(host: string, port: number, config: UdpListenerConfig, counters: ListenerCounters): Promise<UdpListener> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', ipv6Only: isIPv6(host) });
    const listener = new UdpListener(socket, config, counters);
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: host, port, exclusive: true }, () => {
        socket.removeListener('error', reject);
        socket.on('error', () => {});
        resolve(listener);
      });
    });
  }

  reconfigure(config: UdpListenerConfig): void {
    this.config = config;
  }

  /** Flows end with the listener: UDP has no connection to let finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const key of [...this.flows.keys()]) this.forget(key);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private receive(message: Buffer, client: RemoteInfo): void {
    const key = `${client.address}|${client.port}`;
    const flow = this.flows.get(key);
    if (flow) this.relay(flow, message);
    else this.admit(key, client, message);
  }

  private admit(key: string, client: RemoteInfo, message: Buffer): void {
    if (this.admitting.has(key)) return;
    const config = this.config;
    const verdict = config.admission.admit(client.address);
    if (verdict === true) {
      this.open(key, client, config, message);
      return;
    }
    if (verdict === false) {
      this.counters.requestErrors++;
      return;
    }
    this.admitting.add(key);
    void verdict.then((admitted) => {
      this.admitting.delete(key);
      if (!admitted) this.counters.requestErrors++;
      else if (this.closed) config.admission.release();
      else this.open(key, client, config, message);
    });
  }

  private open(key: string, client: RemoteInfo, config: UdpListenerConfig, first: Buffer): void {
    const flow = this.start(key, client, config);
    if (flow) this.relay(flow, first);
    else config.admission.release();
  }

  private relay(flow: Flow, message: Buffer): void {
    this.counters.bytesIn += message.length;
    flow.bytesIn += message.length;
    flow.timer.refresh();
    flow.upstream.send(message, flow.member.port, flow.member.address);
  }

  private start(key: string, client: RemoteInfo, config: UdpListenerConfig): Flow | undefined {
    const counters = this.counters;
    const member = config.pool?.pick({ remoteAddress: client.address, remotePort: client.port }, new Set());
    if (!member || member.socketPath) {
      counters.requestErrors++;
      return undefined;
    }
    const pool = config.pool!;
    const upstream = createSocket(isIPv6(member.address) ? 'udp6' : 'udp4');
    upstream.on('error', () => {
      pool.failed(member);
      this.forget(key);
    });
    upstream.on('message', (answer, from) => {
      if (from.port !== member.port) return;
      counters.bytesOut += answer.length;
      const current = this.flows.get(key);
      if (current) {
        current.bytesOut += answer.length;
        current.timer.refresh();
      }
      this.socket.send(answer, client.port, client.address);
    });
    const timer = setTimeout(() => this.forget(key), config.idleMs).unref();
    const flow: Flow = {
      start: Date.now(),
      client,
      bytesIn: 0,
      bytesOut: 0,
      config,
      member,
      pool,
      admission: config.admission,
      upstream,
      timer,
    };
    this.flows.set(key, flow);
    counters.totalConnections++;
    counters.activeConnections++;
    pool.started(member);
    return flow;
  }

  private forget(key: string): void {
    const flow = this.flows.get(key);
    if (!flow) return;
    this.flows.delete(key);
    clearTimeout(flow.timer);
    flow.upstream.close();
    flow.pool.ended(flow.member);
    this.counters.activeConnections--;
    flow.admission.release();
    flow.config.accessLog?.write({
      start: flow.start,
      protocol: 'UDP',
      listenerId: flow.config.listenerId,
      poolId: flow.pool.spec.id,
      memberId: flow.member.id,
      clientAddress: flow.client.address,
      clientPort: flow.client.port,
      connectMs: 0,
      responseMs: -1,
      totalMs: Date.now() - flow.start,
      status: 0,
      bytesIn: flow.bytesIn,
      bytesOut: flow.bytesOut,
      termination: null,
    });
  }
}
