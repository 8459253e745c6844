import { execFileSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';

/** Servers on 127.0.0.1, or on a Unix socket, for probe tests. */
export type Listening = { port: number; close: () => Promise<void> };

/** A temporary directory for Unix sockets and certificates, removed by `remove`. */
export function temporaryDirectory(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'weir-health-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A self-signed certificate for CN=test, made by openssl in `directory`. */
export function selfSignedCertificate(directory: string): TlsOptions {
  const key = join(directory, 'key.pem');
  const cert = join(directory, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=test', '-days', '1', '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/**
 * Listens on 127.0.0.1 on `port` (by default one the OS chooses), or on `socketPath`. `close` also destroys every connection the
 * server still holds, so no test waits for a member that keeps connections open.
 */
export async function listen(server: Server, socketPath?: string, port = 0): Promise<Listening> {
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (socketPath) server.listen(socketPath, resolve);
    else server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of connections) socket.destroy();
      }),
  };
}

/** A TCP server that accepts and at once closes every connection. */
export function acceptingTcpServer(): Server {
  return createNetServer((socket) => socket.end());
}

/** A TCP server that accepts and never answers: for timeouts. It reads, so it sees the prober hang up. */
export function silentTcpServer(): Server {
  return createNetServer((socket) => socket.resume());
}

export type RecordedRequest = { method: string; url: string; httpVersion: string; host: string | undefined };

/** An HTTP(S) server answering `/status/NNN` with status NNN and everything else with 200, recording requests. */
export function statusServer(tls?: TlsOptions): { server: Server; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      httpVersion: request.httpVersion,
      host: request.headers.host,
    });
    const match = /^\/status\/(\d{3})$/.exec(request.url ?? '');
    response.statusCode = match ? Number(match[1]) : 200;
    response.end('ok');
  };
  const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  return { server, requests };
}

/** A TLS server that completes handshakes and then closes. */
export function tlsServer(tls: TlsOptions): Server {
  const server = createTlsServer(tls, (socket) => socket.end());
  server.on('tlsClientError', () => {});
  return server;
}

/** A bound UDP socket on 127.0.0.1 (an open port), closed by `close`. */
export async function udpListener(): Promise<{ port: number; close: () => Promise<void> }> {
  const socket: UdpSocket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

/** A UDP port on 127.0.0.1 that was free a moment ago and has nothing bound: the kernel answers port unreachable. */
export async function closedUdpPort(): Promise<number> {
  const listener = await udpListener();
  await listener.close();
  return listener.port;
}

/** A TCP port on 127.0.0.1 that was free a moment ago and has no listener: connects are refused. */
export async function closedTcpPort(): Promise<number> {
  const listening = await listen(createNetServer());
  await listening.close();
  return listening.port;
}
