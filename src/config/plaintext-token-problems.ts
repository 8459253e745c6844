/**
 * Keystone tokens are bearer secrets: weir will not take them in clear text from the network. Keystone mode on an
 * address other than loopback needs server.tls, or server.allow_plaintext when a TLS-terminating proxy is in front.
 */
import { parseIpAddress } from '../network/ip-address.ts';
import { LOOPBACK, networkHolding } from '../network/special-networks.ts';
import { parseListenAddress } from './listen-address.ts';
import type { Problem } from './problem.ts';
import type { ConfigFile } from './schema.ts';

export function plaintextTokenProblems(config: ConfigFile): Problem[] {
  const { server } = config;
  if (server.auth !== 'keystone' || server.tls !== undefined || server.allow_plaintext) return [];
  let host: string;
  try {
    host = parseListenAddress(server.listen).host;
  } catch {
    return []; // reported as a malformed listen address
  }
  const address = parseIpAddress(host);
  if (host === 'localhost' || (address && networkHolding(LOOPBACK, address))) return [];
  return [
    {
      path: ['server', 'listen'],
      reason:
        `${host} is not a loopback address and server.tls is not set, so Keystone tokens would cross the ` +
        'network in clear text; set server.tls, or server.allow_plaintext: true behind a TLS-terminating proxy',
    },
  ];
}
