/**
 * Members behind TLS for the re-encryption tests: an HTTPS server that answers each request with what it negotiated
 * with weir (version, cipher, ALPN, server name, weir's client certificate, whether the session was resumed), echoes
 * after an upgrade, and counts its handshakes; a TLS echo server for TCP listeners.
 */
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { createServer as createTlsServer, TLSSocket, type TlsOptions } from 'node:tls';
import type { ProxyHeader } from '../../../../src/protocols/proxy-protocol/header.ts';
import { ProxyHeaderDecoder } from '../../../../src/protocols/proxy-protocol/stream-decoder.ts';
import { listenOn } from './line-servers.ts';

/** What a member saw of the TLS connection a request came on. */
export interface NegotiatedFacts {
  member: string;
  protocol: string | null;
  cipher: string;
  alpn: string | false;
  servername: string | false;
  clientCn: string | null;
  resumed: boolean;
}

export interface TlsMember {
  name: string;
  address: string;
  port: number;
  /** TLS handshakes completed, resumed ones included. */
  handshakes: number;
  close(): Promise<void>;
}

function facts(name: string, socket: TLSSocket): NegotiatedFacts {
  const peer = socket.getPeerCertificate();
  return {
    member: name,
    protocol: socket.getProtocol(),
    cipher: socket.getCipher().name,
    alpn: socket.alpnProtocol ?? false,
    servername: (socket as TLSSocket & { servername: string | false }).servername,
    clientCn: peer && typeof peer.subject?.CN === 'string' ? peer.subject.CN : null,
    resumed: socket.isSessionReused(),
  };
}

async function started(server: NetServer, name: string, address: string, counted: { handshakes: number }) {
  const port = await listenOn(server, address);
  return {
    name,
    address,
    port,
    get handshakes() {
      return counted.handshakes;
    },
    close: async () => {
      (server as NetServer & { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close();
      await once(server, 'close');
    },
  };
}

/** An HTTPS member on `address`; `closeEach` answers with `connection: close`, so each request needs a new connection. */
export async function startHttpsMember(
  address: string,
  tls: TlsOptions,
  options: { closeEach?: boolean } = {},
): Promise<TlsMember> {
  const name = `tls-member-${address}`;
  const counted = { handshakes: 0 };
  const server = createHttpsServer({ ...tls, keepAliveTimeout: 10_000 }, (request, response) => {
    request.resume();
    request.once('end', () => {
      const body = JSON.stringify(facts(name, request.socket as TLSSocket));
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...(options.closeEach ? { connection: 'close' } : {}),
      });
      response.end(body);
    });
  });
  server.on('secureConnection', () => counted.handshakes++);
  server.on('tlsClientError', () => {});
  // An upgrade is switched to an echo, after a line of what was negotiated.
  server.on('upgrade', (_request, socket: TLSSocket, head: Buffer) => {
    socket.on('error', () => {});
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: echo\r\n\r\n`);
    socket.write(`${JSON.stringify(facts(name, socket))}\n`);
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  });
  return started(server, name, address, counted);
}

/** A TLS member for TCP listeners: it writes what it negotiated as one JSON line, then echoes. */
export async function startTlsEchoMember(address: string, tls: TlsOptions): Promise<TlsMember> {
  const name = `tls-echo-${address}`;
  const counted = { handshakes: 0 };
  const server = createTlsServer(tls, (socket) => {
    counted.handshakes++;
    socket.on('error', () => {});
    socket.write(`${JSON.stringify(facts(name, socket))}\n`);
    socket.pipe(socket);
  });
  server.on('tlsClientError', () => {});
  return started(server, name, address, counted);
}

/**
 * A TLS echo member behind the PROXY protocol: it reads the header in clear, then the TLS handshake, as HAProxy's
 * `send-proxy-v2 ssl` servers expect; the headers it read are kept in `headers`.
 */
export async function startProxiedTlsEchoMember(
  address: string,
  tls: TlsOptions,
): Promise<TlsMember & { headers: ProxyHeader[] }> {
  const name = `tls-proxied-${address}`;
  const counted = { handshakes: 0 };
  const headers: ProxyHeader[] = [];
  const server = createNetServer((raw) => {
    raw.on('error', () => {});
    const decoder = new ProxyHeaderDecoder();
    const onData = (chunk: Buffer) => {
      const result = decoder.push(chunk);
      if (result.status === 'need-more') return;
      raw.removeListener('data', onData);
      if (result.status === 'error') return void raw.destroy();
      headers.push(result.header);
      raw.pause();
      if (result.rest.length > 0) raw.unshift(result.rest);
      const socket = new TLSSocket(raw, { ...tls, isServer: true });
      socket.on('error', () => {});
      socket.once('secure', () => {
        counted.handshakes++;
        socket.write(`${JSON.stringify(facts(name, socket))}\n`);
        socket.pipe(socket);
      });
    };
    raw.on('data', onData);
  });
  return { ...(await started(server, name, address, counted)), headers };
}
