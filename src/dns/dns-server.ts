/** weir's authoritative DNS server: a UDP socket and a TCP listener on each configured address, one port for both. */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import type { ListenAddress } from '../config/listen-address.ts';
import type { Authority } from './answer.ts';
import { respond } from './respond.ts';

/** A TCP client silent this long is dropped (RFC 7766 suggests seconds, not minutes). */
const TCP_IDLE_MS = 10_000;
/** Bytes a TCP client may have pending before a whole message arrives: one message at most, plus its length. */
const TCP_MAX_PENDING = 2 + 65535;

export class DnsServer {
  private readonly udp: Socket[] = [];
  private readonly tcp: Server[] = [];
  private readonly connections = new Set<TcpSocket>();

  private constructor() {}

  /** Listens on every address, TCP first: port 0 picks a free port, and UDP takes the same one. */
  static async start(addresses: readonly ListenAddress[], authority: Authority): Promise<DnsServer> {
    const server = new DnsServer();
    try {
      for (const address of addresses) await server.listenOn(address, authority);
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** Where it answers, as host:port, one entry per address (UDP and TCP share it). */
  get addresses(): string[] {
    return this.udp.map((socket) => {
      const { address, family, port } = socket.address();
      return family === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`;
    });
  }

  async close(): Promise<void> {
    for (const socket of this.udp) socket.close();
    await Promise.all(
      this.tcp.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            for (const connection of this.connections) connection.destroy();
          }),
      ),
    );
  }

  private async listenOn({ host, port }: ListenAddress, authority: Authority): Promise<void> {
    const tcp = createServer((connection) => {
      this.connections.add(connection);
      connection.on('close', () => this.connections.delete(connection));
      serveTcp(connection, authority);
    });
    this.tcp.push(tcp);
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host, port }, () => resolve());
    });
    const tcpAddress = tcp.address();
    const boundPort = typeof tcpAddress === 'object' && tcpAddress !== null ? tcpAddress.port : port;
    const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.udp.push(udp);
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: host, port: boundPort }, () => resolve());
    });
    udp.on('message', (message, peer) => {
      const response = respond(message, authority, 'udp', peer.address);
      if (response) udp.send(response, peer.port, peer.address);
    });
  }
}

/** Length-prefixed messages, answered in order, several per connection (RFC 7766). */
function serveTcp(connection: TcpSocket, authority: Authority): void {
  let pending = Buffer.alloc(0);
  connection.setTimeout(TCP_IDLE_MS, () => connection.destroy());
  connection.on('error', () => connection.destroy());
  connection.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    if (pending.length > TCP_MAX_PENDING) {
      connection.destroy();
      return;
    }
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const end = 2 + pending.readUInt16BE(0);
      const response = respond(pending.subarray(2, end), authority, 'tcp', connection.remoteAddress);
      pending = pending.subarray(end);
      if (response === undefined) continue;
      const length = Buffer.alloc(2);
      length.writeUInt16BE(response.length);
      // A client that sends and never reads is not read from either until it takes what it was sent.
      if (!connection.write(Buffer.concat([length, response]))) {
        connection.pause();
        connection.once('drain', () => connection.resume());
      }
    }
  });
}
