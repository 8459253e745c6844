/**
 * Decodes a v1 line from bytes that start with `PROXY `. The line ends at the first CRLF, which must come within
 * 107 bytes; a bare LF or CR inside the line is malformed. `PROXY UNKNOWN` may be followed by anything up to the CRLF
 * (the spec says to ignore it). Addresses are strict: TCP4 takes dotted quads without leading zeros, TCP6 IPv6 text.
 */
import { NEED_MORE, type ProxyDecodeResult, refuse } from './decode-result.ts';
import type { IpEndpoint } from './header.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip-text.ts';
import { V1_MAX_LENGTH } from './wire.ts';

const CR = 0x0d;
const LF = 0x0a;
const PORT = /^[0-9]{1,5}$/;

const addressBytes = new Uint8Array(16);

function endpoint(address: string, port: string, ipv6: boolean): IpEndpoint | 'address' | 'port' {
  if (ipv6 ? !parseIpv6(address, addressBytes, 0) : !parseIpv4(address, addressBytes, 0)) return 'address';
  if (!PORT.test(port) || Number(port) > 65535) return 'port';
  return { address: ipv6 ? formatIpv6(addressBytes, 0) : formatIpv4(addressBytes, 0), port: Number(port) };
}

export function decodeV1(bytes: Buffer): ProxyDecodeResult {
  const limit = Math.min(bytes.length, V1_MAX_LENGTH);
  let end = -1;
  for (let i = 0; i < limit; i++) {
    if (bytes[i] === LF) {
      end = i;
      break;
    }
  }
  if (end === -1) {
    return bytes.length < V1_MAX_LENGTH
      ? NEED_MORE
      : refuse('v1-too-long', 'no CRLF within the 107 bytes of a v1 line');
  }
  if (bytes[end - 1] !== CR) return refuse('v1-malformed', 'the v1 line ends in LF without CR');
  const consumed = end + 1;
  const line = bytes.toString('latin1', 0, end - 1);
  if (line.includes('\r')) return refuse('v1-malformed', 'a CR inside the v1 line');
  const header = { version: 1 as const, command: 'proxy' as const, tlvs: [], crc32c: false };
  if (line === 'PROXY UNKNOWN' || line.startsWith('PROXY UNKNOWN ')) {
    return { status: 'header', header: { ...header, family: 'unspec' }, consumed, rest: bytes.subarray(consumed) };
  }
  const fields = line.split(' ');
  const protocol = fields[1];
  if (fields.length !== 6 || (protocol !== 'TCP4' && protocol !== 'TCP6'))
    return refuse('v1-malformed', `not PROXY TCP4|TCP6 <src> <dst> <sport> <dport>: ${JSON.stringify(line)}`);
  const ipv6 = protocol === 'TCP6';
  const source = endpoint(fields[2]!, fields[4]!, ipv6);
  const destination = endpoint(fields[3]!, fields[5]!, ipv6);
  for (const problem of [source, destination]) {
    if (problem === 'address')
      return refuse('v1-bad-address', `not a ${protocol} address pair: ${JSON.stringify(line)}`);
    if (problem === 'port') return refuse('v1-bad-port', `not a port pair of 0-65535: ${JSON.stringify(line)}`);
  }
  return {
    status: 'header',
    header: {
      ...header,
      family: ipv6 ? 'inet6' : 'inet',
      transport: 'stream',
      source: source as IpEndpoint,
      destination: destination as IpEndpoint,
    },
    consumed,
    rest: bytes.subarray(consumed),
  };
}
