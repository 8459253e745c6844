/**
 * xxHash32 (Yann Collet's specification, XXH32). Chosen over a 64-bit hash because `pick` must not allocate: 64-bit
 * arithmetic in JavaScript means BigInt or four-limb emulation, while XXH32 runs on `Math.imul` in int32 registers.
 * 32 bits are plenty to index a table of 65537 slots, it mixes short inputs such as addresses well, and its seed is
 * 32 bits wide like nftables' `jhash ... seed`, so one pool seed serves the proxy and the kernel providers.
 * Hash flooding is not a concern: the result indexes a fixed table, it does not chain a hash map.
 */

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

/**
 * The 32-bit hash of `bytes[0, length)` as a signed integer (`>>> 0` gives the usual unsigned value): an int32 is
 * stored unboxed, while an unsigned result above 2^31 would be boxed in a heap number on its way out of the call.
 * `length` lets callers hash a prefix of a reused buffer.
 */
export function xxhash32(bytes: Uint8Array, length: number, seed: number): number {
  let i = 0;
  let acc: number;
  if (length >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    for (; i + 16 <= length; i += 16) {
      v1 = round(v1, lane(bytes, i));
      v2 = round(v2, lane(bytes, i + 4));
      v3 = round(v3, lane(bytes, i + 8));
      v4 = round(v4, lane(bytes, i + 12));
    }
    acc = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    acc = (seed + P5) | 0;
  }
  acc = (acc + length) | 0;
  for (; i + 4 <= length; i += 4) acc = Math.imul(rotl((acc + Math.imul(lane(bytes, i), P3)) | 0, 17), P4);
  for (; i < length; i++) acc = Math.imul(rotl((acc + Math.imul(bytes[i]!, P5)) | 0, 11), P1);
  acc ^= acc >>> 15;
  acc = Math.imul(acc, P2);
  acc ^= acc >>> 13;
  acc = Math.imul(acc, P3);
  return acc ^ (acc >>> 16);
}

function round(acc: number, input: number): number {
  return Math.imul(rotl((acc + Math.imul(input, P2)) | 0, 13), P1);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Little-endian, as the specification reads its 32-bit lanes. */
function lane(bytes: Uint8Array, i: number): number {
  return bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
}
