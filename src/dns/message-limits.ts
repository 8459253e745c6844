/** How large a response may be, by transport and the client's EDNS0 buffer. */

/** The EDNS0 buffer weir advertises and fills at most over UDP: no IP fragmentation on any usual path (DNS Flag Day 2020). */
export const EDNS_BUFFER = 1232;
/** The UDP limit of a client without EDNS0 (RFC 1035). */
export const CLASSIC_UDP_LIMIT = 512;
const TCP_LIMIT = 65535;

export type Transport = 'udp' | 'tcp';

/**
 * The largest response the client takes: over TCP a whole message; over UDP 512 bytes without EDNS0 (`buffer`
 * undefined), the client's buffer with it, never more than weir's.
 */
export function responseLimit(transport: Transport, buffer: number | undefined): number {
  if (transport === 'tcp') return TCP_LIMIT;
  if (buffer === undefined) return CLASSIC_UDP_LIMIT;
  return Math.min(Math.max(buffer, CLASSIC_UDP_LIMIT), EDNS_BUFFER);
}
