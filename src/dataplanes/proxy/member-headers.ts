import { isIPv6, type Socket } from 'node:net';
import { type ForwardedRequest, fieldsOf, forwardingHeaders } from '../../protocols/http/forwarding-headers.ts';
import type { NamedValue } from '../../protocols/http/head-field.ts';
import type { HttpListenerConfig } from './http-listener.ts';
import { clientCertificateHeadersOf } from './tls/tls-connection.ts';

/**
 * A request's fields (Node's `rawHeaders` form) as a member gets them: forwarding headers rewritten for the client
 * behind `client`, the connection it came on. `host`: the request's Host, undefined without one.
 */
export function memberHeaders(
  config: HttpListenerConfig,
  client: Socket,
  fields: readonly string[],
  host: string | undefined,
  webSocketUpgrade: boolean,
): string[] {
  const headers = forwardingHeaders(
    config.forwarding,
    forwardedRequest(config, client, fieldsOf(fields), host, webSocketUpgrade),
  );
  // An HTTP/1.0 request (or an HTTP/2 one without :authority) may come without Host, and goes to the member as
  // HTTP/1.1, which must have one (RFC 9112 section 3.2): the address the client connected to is what it addressed.
  if (host === undefined) headers.push('host', addressedAuthority(client));
  return headers;
}

/** A request's fields and the connection they came on, as the forwarding rules read them. */
export function forwardedRequest(
  config: HttpListenerConfig,
  client: Socket,
  fields: readonly NamedValue[],
  host: string | undefined,
  webSocketUpgrade: boolean,
): ForwardedRequest {
  const peerAddress = client.remoteAddress ?? '';
  return {
    fields,
    peerAddress,
    peerPort: client.remotePort,
    host,
    peerTrusted: config.trusted.has(peerAddress),
    webSocketUpgrade,
    clientCertificate: clientCertificateHeadersOf(client, config.forwarding.clientCertificate),
  };
}

/** The listener address and port a client connected to, as a Host value. */
function addressedAuthority(socket: Socket): string {
  const address = socket.localAddress ?? '';
  return `${isIPv6(address) ? `[${address}]` : address}:${socket.localPort ?? ''}`;
}
