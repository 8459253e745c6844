/**
 * The v1 (text) header: `PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n`, or `PROXY UNKNOWN\r\n` without
 * addresses. v1 carries TCP only, no TLVs and no Unix sockets. Addresses are written as inet_ntop writes them.
 */
import { pairBytes, resolveIpPair } from './address-pair.ts';
import { checkPort, isIpEndpoint } from './endpoints.ts';
import type { ProxyHeaderInput } from './header.ts';
import { formatIpv4, formatIpv6 } from './ip-text.ts';

const UNKNOWN = 'PROXY UNKNOWN\r\n';

export function encodeProxyV1(input: Pick<ProxyHeaderInput, 'source' | 'destination'>): Buffer {
  const { source, destination } = input;
  if (source === undefined && destination === undefined) return Buffer.from(UNKNOWN, 'latin1');
  if (source === undefined || destination === undefined) throw new RangeError('give both source and destination');
  if (!isIpEndpoint(source) || !isIpEndpoint(destination)) throw new RangeError('v1 carries IP addresses only');
  checkPort(source.port);
  checkPort(destination.port);
  const line =
    resolveIpPair(source.address, destination.address) === 'inet'
      ? `PROXY TCP4 ${formatIpv4(pairBytes, 12)} ${formatIpv4(pairBytes, 28)} ${source.port} ${destination.port}\r\n`
      : `PROXY TCP6 ${formatIpv6(pairBytes, 0)} ${formatIpv6(pairBytes, 16)} ${source.port} ${destination.port}\r\n`;
  return Buffer.from(line, 'latin1');
}
