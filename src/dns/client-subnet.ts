/**
 * Who a sticky answer is for: the EDNS Client Subnet a resolver passed on (RFC 7871), else the resolver's own
 * address; and the ECS option that goes back with the answer.
 */

/** The ECS option's code in OPT (RFC 7871). */
export const ECS_OPTION_CODE = 8;

export interface ClientSubnet {
  /** 1: IPv4, 2: IPv6 (IANA address families). */
  readonly family: 1 | 2;
  readonly sourcePrefixLength: number;
  /** The first ceil(sourcePrefixLength / 8) bytes of the address, as the query carried them. */
  readonly address: Buffer;
}

/**
 * The ECS option's payload (family, source and scope prefix lengths, address), or why it is malformed, which RFC 7871
 * answers with FORMERR: an unknown family, a prefix longer than the family's addresses, a scope set in a query, an
 * address longer than the prefix needs or with bits set beyond it.
 */
export function parseClientSubnet(data: Buffer): ClientSubnet | string {
  if (data.length < 4) return 'ECS option shorter than 4 bytes';
  const family = data.readUInt16BE(0);
  if (family !== 1 && family !== 2) return `ECS family ${family} is neither IPv4 (1) nor IPv6 (2)`;
  const sourcePrefixLength = data[2]!;
  if (sourcePrefixLength > (family === 1 ? 32 : 128)) return `ECS source prefix /${sourcePrefixLength} is too long`;
  if (data[3] !== 0) return 'ECS scope prefix is not 0 in a query';
  const address = data.subarray(4);
  if (address.length !== Math.ceil(sourcePrefixLength / 8)) return 'ECS address length does not match its prefix';
  const spare = (8 - (sourcePrefixLength % 8)) % 8;
  if (address.length > 0 && (address[address.length - 1]! & ((1 << spare) - 1)) !== 0) {
    return 'ECS address has bits set beyond its prefix';
  }
  return { family, sourcePrefixLength, address };
}

/**
 * A 32-bit key for the client (FNV-1a): its ECS subnet when the resolver passed one with a prefix, else the
 * resolver's address. Hashing the text and bytes as they come spares a parse per query.
 */
export function clientKey(subnet: ClientSubnet | undefined, resolver: string): number {
  let hash = 0x811c9dc5;
  const mix = (byte: number) => {
    hash = Math.imul(hash ^ byte, 0x01000193);
  };
  if (subnet !== undefined && subnet.sourcePrefixLength > 0) {
    mix(subnet.family);
    mix(subnet.sourcePrefixLength);
    for (const byte of subnet.address) mix(byte);
  } else {
    for (let i = 0; i < resolver.length; i++) mix(resolver.charCodeAt(i) & 0xff);
  }
  return hash >>> 0;
}

/**
 * The ECS option's payload for the response: the query's family, source prefix and address, with the scope the
 * answer holds for: the source prefix when the answer was chosen by it, 0 when it holds for every client.
 */
export function clientSubnetReply(subnet: ClientSubnet, scopePrefixLength: number): Buffer {
  const payload = Buffer.alloc(4 + subnet.address.length);
  payload.writeUInt16BE(subnet.family, 0);
  payload[2] = subnet.sourcePrefixLength;
  payload[3] = scopePrefixLength;
  subnet.address.copy(payload, 4);
  return payload;
}
