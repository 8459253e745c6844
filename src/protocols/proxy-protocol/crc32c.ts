/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of the PROXY v2 CRC32C TLV. Node 20 has no
 * built-in for it (zlib.crc32 is plain CRC-32 and arrived in Node 22). One 256-entry table, one lookup per byte.
 */

const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  TABLE[n] = c;
}

/**
 * The CRC-32C of bytes[start, end). Pass the result of a previous call as `previous` to continue over more bytes:
 * crc32c(b, crc32c(a)) equals the CRC of a followed by b.
 */
export function crc32c(bytes: Uint8Array, previous = 0, start = 0, end = bytes.length): number {
  let crc = ~previous;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
