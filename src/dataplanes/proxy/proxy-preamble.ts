import { randomFillSync } from 'node:crypto';
import type { Socket } from 'node:net';
import type { PoolProtocol } from '../../model/constants.ts';
import { encodeProxyV1 } from '../../protocols/proxy-protocol/encode-v1.ts';
import { encodeProxyV2 } from '../../protocols/proxy-protocol/encode-v2.ts';

/**
 * The PROXY protocol header a `PROXY` (v1) or `PROXYV2` pool's members expect before the client's bytes: the
 * client's address and port and the VIP's. v2 also carries a unique id per connection (for correlating logs) and
 * a CRC32C. Other pool protocols get none.
 */
export function proxyPreamble(protocol: PoolProtocol): ((client: Socket) => Buffer) | null {
  if (protocol === 'PROXY') return (client) => encodeProxyV1(endpointsOf(client));
  if (protocol !== 'PROXYV2') return null;
  return (client) =>
    encodeProxyV2({
      command: 'proxy',
      transport: 'stream',
      ...endpointsOf(client),
      tlvs: [{ type: 'unique-id', value: randomFillSync(new Uint8Array(16)) }],
      crc32c: true,
    });
}

function endpointsOf(client: Socket) {
  return {
    source: { address: client.remoteAddress ?? '', port: client.remotePort ?? 0 },
    destination: { address: client.localAddress ?? '', port: client.localPort ?? 0 },
  };
}
