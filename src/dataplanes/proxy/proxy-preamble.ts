import { randomFillSync } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import type { PoolProtocol } from '../../model/constants.ts';
import { encodeProxyV1 } from '../../protocols/proxy-protocol/encode-v1.ts';
import { encodeProxyV2 } from '../../protocols/proxy-protocol/encode-v2.ts';
import { tlsConnectionOf } from './tls/tls-connection.ts';

/**
 * The PROXY protocol header before a client's bytes; `authority` is the host name the client asked for (the TLS
 * server name, or the HTTP Host), when known.
 */
export type Preamble = (client: Socket, authority: string | null) => Buffer;

/**
 * The PROXY protocol header a `PROXY` (v1) or `PROXYV2` pool's members expect before the client's bytes: the
 * client's address and port and the VIP's. v2 also carries the authority when known, a unique id per connection
 * (for correlating logs) and a CRC32C; behind a listener that decrypted TLS, the server name the client asked for
 * as the authority, and the ALPN and SSL TLVs. Other pool protocols get none.
 */
export function proxyPreamble(protocol: PoolProtocol): Preamble | null {
  if (protocol === 'PROXY') return (client) => encodeProxyV1(endpointsOf(client));
  if (protocol !== 'PROXYV2') return null;
  return (client, authority) => {
    const tls = tlsConnectionOf(client);
    const name = tls?.serverName ?? authority;
    return encodeProxyV2({
      command: 'proxy',
      transport: 'stream',
      ...endpointsOf(client),
      tlvs: [
        ...(name ? [{ type: 'authority' as const, value: name }] : []),
        ...(tls ? tls.proxyTlvs() : []),
        { type: 'unique-id', value: randomFillSync(new Uint8Array(16)) },
      ],
      crc32c: true,
    });
  };
}

/** The host name of an HTTP Host header, for the AUTHORITY TLV: without the port, and none for an address. */
export function hostAuthority(host: string | undefined): string | null {
  if (!host || host.startsWith('[')) return null;
  const name = host.replace(/:\d*$/, '').toLowerCase();
  return name === '' || isIP(name) !== 0 ? null : name;
}

function endpointsOf(client: Socket) {
  return {
    source: { address: client.remoteAddress ?? '', port: client.remotePort ?? 0 },
    destination: { address: client.localAddress ?? '', port: client.localPort ?? 0 },
  };
}
