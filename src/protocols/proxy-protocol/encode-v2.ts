/**
 * The v2 (binary) header, in one Buffer sized up front: signature, version and command, family and transport, length,
 * addresses, then TLVs. A requested CRC32C TLV goes first (where HAProxy puts it) and is filled in last, over the
 * finished header with its own value still zero.
 */
import { pairBytes, resolveIpPair } from './address-pair.ts';
import { crc32c } from './crc32c.ts';
import { checkPort, isIpEndpoint } from './endpoints.ts';
import type { IpEndpoint, ProxyHeaderInput, ProxyTlv, UnixEndpoint } from './header.ts';
import { tlvsLength, writeTlvs } from './tlv-encode.ts';
import {
  TLV_CRC32C,
  TLV_HEADER_LENGTH,
  UNIX_PATH_LENGTH,
  V2_COMMAND_LOCAL,
  V2_COMMAND_PROXY,
  V2_FAMILY_INET,
  V2_FAMILY_INET6,
  V2_FAMILY_UNIX,
  V2_FAMILY_UNSPEC,
  V2_FIXED_LENGTH,
  V2_INET_ADDRESSES,
  V2_INET6_ADDRESSES,
  V2_SIGNATURE,
  V2_TRANSPORT_DGRAM,
  V2_TRANSPORT_STREAM,
  V2_UNIX_ADDRESSES,
  V2_VERSION,
} from './wire.ts';

const CRC32C_TLV_LENGTH = TLV_HEADER_LENGTH + 4;

function writeUnixPath(header: Buffer, at: number, path: string): void {
  if (Buffer.byteLength(path, 'utf8') > UNIX_PATH_LENGTH) throw new RangeError('Unix socket path exceeds 108 bytes');
  const written = header.write(path, at, 'utf8');
  header.fill(0, at + written, at + UNIX_PATH_LENGTH);
}

const NO_TLVS: readonly ProxyTlv[] = [];

/** The family (high nibble of byte 13); for IP, pairBytes then holds the parsed addresses. */
function familyOf(source: IpEndpoint | UnixEndpoint | undefined, destination: IpEndpoint | UnixEndpoint | undefined) {
  if (source === undefined && destination === undefined) return V2_FAMILY_UNSPEC;
  if (source === undefined || destination === undefined) throw new RangeError('give both source and destination');
  if (isIpEndpoint(source) && isIpEndpoint(destination)) {
    checkPort(source.port);
    checkPort(destination.port);
    return resolveIpPair(source.address, destination.address) === 'inet' ? V2_FAMILY_INET : V2_FAMILY_INET6;
  }
  if (!isIpEndpoint(source) && !isIpEndpoint(destination)) return V2_FAMILY_UNIX;
  throw new RangeError('source and destination must both be IP or both be Unix sockets');
}

function addressLengthOf(family: number): number {
  if (family === V2_FAMILY_INET) return V2_INET_ADDRESSES;
  if (family === V2_FAMILY_INET6) return V2_INET6_ADDRESSES;
  return family === V2_FAMILY_UNIX ? V2_UNIX_ADDRESSES : 0;
}

/** Copies an address out of pairBytes byte by byte: a subarray would be one more object per header. */
function copyAddress(header: Buffer, at: number, from: number, size: number): void {
  for (let i = 0; i < size; i++) header[at + i] = pairBytes[from + i]!;
}

export function encodeProxyV2(input: ProxyHeaderInput): Buffer {
  const { source, destination } = input;
  const family = familyOf(source, destination);
  const addressLength = addressLengthOf(family);
  const tlvs = input.tlvs ?? NO_TLVS;
  const length = addressLength + (input.crc32c ? CRC32C_TLV_LENGTH : 0) + tlvsLength(tlvs);
  if (length > 0xffff) throw new RangeError(`v2 header body of ${length} bytes exceeds 65535`);

  // Pooled and not zeroed: every byte below is written.
  const header = Buffer.allocUnsafe(V2_FIXED_LENGTH + length);
  V2_SIGNATURE.copy(header, 0);
  header[12] = V2_VERSION | (input.command === 'local' ? V2_COMMAND_LOCAL : V2_COMMAND_PROXY);
  const transport = input.transport === 'dgram' ? V2_TRANSPORT_DGRAM : V2_TRANSPORT_STREAM;
  header[13] = family === V2_FAMILY_UNSPEC ? V2_FAMILY_UNSPEC : family | transport;
  header.writeUInt16BE(length, 14);

  let at = V2_FIXED_LENGTH;
  if (family === V2_FAMILY_INET || family === V2_FAMILY_INET6) {
    const size = family === V2_FAMILY_INET ? 4 : 16;
    copyAddress(header, at, 16 - size, size);
    copyAddress(header, at + size, 32 - size, size);
    header.writeUInt16BE((source as IpEndpoint).port, at + 2 * size);
    header.writeUInt16BE((destination as IpEndpoint).port, at + 2 * size + 2);
  } else if (family === V2_FAMILY_UNIX) {
    writeUnixPath(header, at, (source as UnixEndpoint).path);
    writeUnixPath(header, at + UNIX_PATH_LENGTH, (destination as UnixEndpoint).path);
  }
  at += addressLength;

  let crcAt = -1;
  if (input.crc32c) {
    header[at] = TLV_CRC32C;
    header.writeUInt16BE(4, at + 1);
    crcAt = at + TLV_HEADER_LENGTH;
    header.writeUInt32BE(0, crcAt);
    at += CRC32C_TLV_LENGTH;
  }
  writeTlvs(header, at, tlvs);
  if (crcAt !== -1) header.writeUInt32BE(crc32c(header), crcAt);
  return header;
}
