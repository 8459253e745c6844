/**
 * Loopback members and clients for the proxy tests: a member greets each connection with its name and the
 * address it saw, then echoes lines; a client sends one line and reads the greeting and the echo.
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProxyHeader } from '../../../../src/protocols/proxy-protocol/header.ts';
import { ProxyHeaderDecoder } from '../../../../src/protocols/proxy-protocol/stream-decoder.ts';

export interface LineServer {
  name: string;
  address: string;
  port: number;
  /** What the member saw of each connection: the peer address and port. */
  peers: string[];
  close(): Promise<void>;
}

/**
 * With `proxyProtocol`, the member reads a PROXY protocol header first and greets with the client it names,
 * as an nginx `listen ... proxy_protocol` would log it; the headers it read are kept in `headers`.
 */
export async function startLineServer(
  address: string,
  options: { proxyProtocol?: boolean } = {},
): Promise<LineServer & { headers: ProxyHeader[] }> {
  const peers: string[] = [];
  const headers: ProxyHeader[] = [];
  const sockets = new Set<Socket>();
  const greet = (socket: Socket, peer: string, rest?: Buffer) => {
    peers.push(peer);
    socket.write(`${name} ${peer}\n`);
    if (rest && rest.length > 0) socket.write(rest);
    socket.pipe(socket);
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (!options.proxyProtocol) return greet(socket, `${socket.remoteAddress}:${socket.remotePort}`);
    const decoder = new ProxyHeaderDecoder();
    const onData = (chunk: Buffer) => {
      const result = decoder.push(chunk);
      if (result.status === 'need-more') return;
      socket.removeListener('data', onData);
      if (result.status === 'error') {
        socket.end(`bad PROXY header: ${result.reason}\n`);
        return;
      }
      headers.push(result.header);
      const source = result.header.source as { address: string; port: number } | undefined;
      greet(socket, source ? `${source.address}:${source.port}` : 'local', result.rest);
    };
    socket.on('data', onData);
  });
  const name = `member-${address}`;
  const port = await listenOn(server, address);
  return {
    name,
    address,
    port,
    peers,
    headers,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Binds `server` to a free port of `address`; the port. */
export async function listenOn(server: Server, address: string): Promise<number> {
  server.listen(0, address);
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

export interface Talk {
  /** The member's name from its greeting. */
  member: string;
  /** The address the member saw. */
  peer: string;
  echo: string;
  /** Bytes received in all. */
  received: number;
  socket?: Socket;
  /** With keepOpen: sends another line on the same connection and resolves with its echo. */
  talk?: (line: string) => Promise<string>;
}

/**
 * Connects to host:port, sends `line`, and resolves once the greeting and the echo are back (bounded by 5 s);
 * rejects if the connection is refused or closed first.
 */
export async function connectAndTalk(
  host: string,
  port: number,
  line: string,
  options: { localAddress?: string; keepOpen?: boolean } = {},
): Promise<Talk> {
  const socket = connect({ host, port, localAddress: options.localAddress });
  socket.setEncoding('utf8');
  const lines: string[] = [];
  let buffered = '';
  let received = 0;
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk: string) => {
    received += Buffer.byteLength(chunk);
    buffered += chunk;
    for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
      lines.push(buffered.slice(0, at));
      buffered = buffered.slice(at + 1);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<never>((_, reject) => {
    socket.once('close', () => reject(new Error(`connection to ${host}:${port} closed after ${lines.length} lines`)));
    socket.once('error', (error) => reject(error));
  });
  closed.catch(() => {});
  const nextLine = async (): Promise<string> => {
    const deadline = Date.now() + 5_000;
    while (lines.length === 0) {
      if (Date.now() > deadline) throw new Error(`no line from ${host}:${port} within 5 s`);
      await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), closed, sleep(100)]);
    }
    return lines.shift()!;
  };
  socket.write(`${line}\n`);
  const greeting = await nextLine();
  const echo = await nextLine();
  const [member = '', peer = ''] = greeting.split(' ');
  const talk: Talk = { member, peer, echo, received };
  if (!options.keepOpen) {
    socket.end();
    await Promise.race([once(socket, 'close'), sleep(1_000)]);
    talk.received = received;
    return talk;
  }
  talk.socket = socket;
  talk.talk = async (next) => {
    socket.write(`${next}\n`);
    return nextLine();
  };
  return talk;
}

/** Polls `read` until it returns something truthy, or fails after `ms`. */
export async function waitFor<T>(what: string, ms: number, read: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}
