/**
 * Decodes a v2 header from bytes that start with its signature and hold at least its 16 fixed bytes. Everything the
 * fixed part can prove wrong is refused before waiting for the rest: version, command, family, a length over the cap
 * or shorter than the family's addresses. TLVs must fill the rest exactly; a CRC32C TLV must match.
 */
import { crc32c } from './crc32c.ts';
import { NEED_MORE, type ProxyDecodeResult, refuse } from './decode-result.ts';
import type { IpEndpoint, ProxyFamily, ProxyHeader, ProxyTransport, UnixEndpoint } from './header.ts';
import { formatIpv4, formatIpv6 } from './ip-text.ts';
import { decodeTlvs } from './tlv-decode.ts';
import {
  UNIX_PATH_LENGTH,
  V2_COMMAND_LOCAL,
  V2_COMMAND_PROXY,
  V2_FIXED_LENGTH,
  V2_INET_ADDRESSES,
  V2_INET6_ADDRESSES,
  V2_UNIX_ADDRESSES,
  V2_VERSION,
} from './wire.ts';

interface FamilyInfo {
  family: ProxyFamily;
  transport?: ProxyTransport;
  addressLength: number;
}

/** The only family/transport bytes the spec allows; it says receivers must refuse all others. */
const FAMILIES = new Map<number, FamilyInfo>([
  [0x00, { family: 'unspec', addressLength: 0 }],
  [0x11, { family: 'inet', transport: 'stream', addressLength: V2_INET_ADDRESSES }],
  [0x12, { family: 'inet', transport: 'dgram', addressLength: V2_INET_ADDRESSES }],
  [0x21, { family: 'inet6', transport: 'stream', addressLength: V2_INET6_ADDRESSES }],
  [0x22, { family: 'inet6', transport: 'dgram', addressLength: V2_INET6_ADDRESSES }],
  [0x31, { family: 'unix', transport: 'stream', addressLength: V2_UNIX_ADDRESSES }],
  [0x32, { family: 'unix', transport: 'dgram', addressLength: V2_UNIX_ADDRESSES }],
]);

const ZERO_CRC = new Uint8Array(4);

function ipEndpoints(bytes: Buffer, at: number, size: 4 | 16): [IpEndpoint, IpEndpoint] {
  const format = size === 4 ? formatIpv4 : formatIpv6;
  const ports = at + 2 * size;
  return [
    { address: format(bytes, at), port: bytes.readUInt16BE(ports) },
    { address: format(bytes, at + size), port: bytes.readUInt16BE(ports + 2) },
  ];
}

/** A path is NUL-padded to 108 bytes; one of exactly 108 bytes has no NUL. */
function unixPath(bytes: Buffer, at: number): UnixEndpoint {
  const nul = bytes.indexOf(0, at);
  const end = nul === -1 || nul > at + UNIX_PATH_LENGTH ? at + UNIX_PATH_LENGTH : nul;
  return { path: bytes.toString('utf8', at, end) };
}

export function decodeV2(bytes: Buffer, maxLength: number): ProxyDecodeResult {
  if ((bytes[12]! & 0xf0) !== V2_VERSION)
    return refuse('unsupported-version', `PROXY v2 signature, version ${bytes[12]! >> 4}`);
  const command = bytes[12]! & 0x0f;
  if (command !== V2_COMMAND_LOCAL && command !== V2_COMMAND_PROXY)
    return refuse('unknown-command', `PROXY v2 command ${command}`);
  const info = FAMILIES.get(bytes[13]!);
  if (info === undefined) return refuse('unknown-family', `PROXY v2 family/transport 0x${bytes[13]!.toString(16)}`);
  const total = V2_FIXED_LENGTH + bytes.readUInt16BE(14);
  if (total > maxLength) return refuse('too-long', `PROXY v2 header of ${total} bytes, more than ${maxLength} allowed`);
  if (total - V2_FIXED_LENGTH < info.addressLength)
    return refuse('address-length', `${total - V2_FIXED_LENGTH} bytes cannot hold ${info.family} addresses`);
  if (bytes.length < total) return NEED_MORE;

  const tlvs = decodeTlvs(bytes, V2_FIXED_LENGTH + info.addressLength, total);
  if (!tlvs.ok) return refuse(tlvs.reason, tlvs.message);
  if (tlvs.crc32cAt !== -1) {
    // Over the whole header with the CRC32C value taken as zero.
    let crc = crc32c(bytes, 0, 0, tlvs.crc32cAt);
    crc = crc32c(ZERO_CRC, crc);
    crc = crc32c(bytes, crc, tlvs.crc32cAt + 4, total);
    const sent = bytes.readUInt32BE(tlvs.crc32cAt);
    if (crc !== sent)
      return refuse('crc32c-mismatch', `CRC32C 0x${sent.toString(16)} sent, 0x${crc.toString(16)} computed`);
  }

  const header: ProxyHeader = {
    version: 2,
    command: command === V2_COMMAND_LOCAL ? 'local' : 'proxy',
    family: info.family,
    tlvs: tlvs.tlvs,
    crc32c: tlvs.crc32cAt !== -1,
  };
  if (info.transport !== undefined) header.transport = info.transport;
  if (info.family === 'inet' || info.family === 'inet6') {
    [header.source, header.destination] = ipEndpoints(bytes, V2_FIXED_LENGTH, info.family === 'inet' ? 4 : 16);
  } else if (info.family === 'unix') {
    header.source = unixPath(bytes, V2_FIXED_LENGTH);
    header.destination = unixPath(bytes, V2_FIXED_LENGTH + UNIX_PATH_LENGTH);
  }
  return { status: 'header', header, consumed: total, rest: bytes.subarray(total) };
}
