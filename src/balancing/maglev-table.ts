import { MAX_WEIGHT } from './member-set.ts';
import { smoothTurn } from './smooth-weighted-round-robin.ts';
import { xxhash32 } from './xxhash32.ts';

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016, section 3.4): every member walks its own permutation of
 * the table's slots and, turn by turn, claims the next slot no one holds, until the table is full. A key hashes to a
 * slot, the slot names the member. A table of prime size M gives every member close to M/N slots, and rebuilding it
 * without one member moves little more than that member's keys (with 10 members: 10.3% of slots, 0.3% of them
 * between members that stayed); `redirectIneligible` moves exactly its keys for members that are only down.
 *
 * The table depends only on (member ids, weights, table size, seed): members are sorted by id before they take
 * turns, so every node, and the kernel providers loading the same table into nftables, agree on it.
 */

/** Prime, and large against the member count so that shares stay within a fraction of a percent of the weights. */
export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;
/**
 * What new pools store unless the config says otherwise: over 100 slots per member up to 163 members (the paper's
 * rule for shares within about 1% of the weights), and a quarter of the default's load time as a kernel map.
 */
export const NEW_POOL_MAGLEV_TABLE_SIZE = 16381;
export const DEFAULT_MAGLEV_SEED = 0x5eed;

export interface MaglevOptions {
  /** A prime at least the number of members; stored with the pool so every node builds the same table. */
  readonly tableSize: number;
  /** 32 bits, stored with the pool like the size. */
  readonly seed: number;
}

export interface MaglevMember {
  readonly id: string;
  /** 1-256: a member with weight 0 takes no new connections and is left out of the table. */
  readonly weight: number;
}

export interface MaglevTable {
  /** The member ids, sorted by UTF-16 code units (not locale), in the order `slots` refers to them. */
  readonly ids: readonly string[];
  /** Slot -> index into `ids`; `tableSize` entries, or none when there are no members. */
  readonly slots: Uint32Array;
  /** The seed it was built with, which `redirectIneligible` probes with too. */
  readonly seed: number;
}

/**
 * Builds the lookup table. Members take turns in smooth weighted round-robin order rather than the paper's plain
 * rotation, which is the same order for equal weights and, for unequal ones, keeps every member's claims within a
 * slot or so of its weighted share at every point of the fill, including the last, partial round.
 */
export function buildMaglevTable(members: readonly MaglevMember[], options: MaglevOptions): MaglevTable {
  assertMaglevOptions(options);
  const { tableSize: size, seed } = options;
  if (members.length > size) throw new RangeError(`${members.length} members do not fit a table of ${size} slots`);
  const sorted = [...members].sort((a, b) => compareIds(a.id, b.id));
  const n = sorted.length;
  const weights = new Int32Array(n);
  const position = new Int32Array(n);
  const skip = new Int32Array(n);
  const encoder = new TextEncoder();
  for (let i = 0; i < n; i++) {
    const { id, weight } = sorted[i]!;
    if (i > 0 && id === sorted[i - 1]!.id) throw new Error(`member ${id} appears twice`);
    if (!Number.isInteger(weight) || weight < 1 || weight > MAX_WEIGHT) {
      throw new RangeError(`member ${id} has weight ${weight}; the table takes 1-${MAX_WEIGHT}`);
    }
    weights[i] = weight;
    const bytes = encoder.encode(id);
    // The paper's two hash functions: the same hash under two seeds is as independent for this purpose.
    position[i] = (xxhash32(bytes, bytes.length, seed) >>> 0) % size;
    skip[i] = ((xxhash32(bytes, bytes.length, ~seed) >>> 0) % (size - 1)) + 1;
  }
  const slots = new Uint32Array(n === 0 ? 0 : size).fill(UNCLAIMED);
  const turns = turnOrder(weights, size);
  for (let filled = 0; filled < slots.length; filled++) {
    const i = turns[filled % turns.length]!;
    // Skip is in 1..size-1 and size is prime, so the walk visits every slot and always finds an unclaimed one.
    let slot = position[i]!;
    while (slots[slot] !== UNCLAIMED) slot = next(slot, skip[i]!, size);
    slots[slot] = i;
    position[i] = next(slot, skip[i]!, size);
  }
  return Object.freeze({ ids: Object.freeze(sorted.map((m) => m.id)), slots, seed });
}

/**
 * The table as it serves while some members are ineligible (health or admin down). Eligible members keep every slot
 * they hold, so a member going down moves exactly its own keys and gets exactly them back when it returns;
 * rebuilding the table without it would also move a fraction of a percent of keys between members that stayed up.
 * Each of its slots goes to the owner of the first eligible slot on a seeded pseudo-random probe sequence from that
 * slot: uniform over the eligible slots, hence over the others by weight (the next slot's owner would not do: the
 * table's layout makes some neighbours far likelier than others), and stable while that heir stays up.
 * `eligible[i]` is for `table.ids[i]`; at least one must be true.
 */
export function redirectIneligible(table: MaglevTable, eligible: readonly boolean[]): Uint32Array {
  const { slots, seed } = table;
  if (eligible.every(Boolean)) return slots;
  const size = slots.length;
  const first = slots.findIndex((owner) => eligible[owner] === true);
  if (first < 0) throw new Error('no eligible member to redirect to');
  // For slots whose probes all miss (only when eligible slots are scarce): the next eligible slot's owner, found in
  // one backward walk that starts from the first eligible slot so the end of the table wraps to its start.
  const ahead = new Uint32Array(size);
  let heir = slots[first]!;
  for (let slot = size - 1; slot >= 0; slot--) {
    const owner = slots[slot]!;
    if (eligible[owner] === true) heir = owner;
    ahead[slot] = heir;
  }
  const served = new Uint32Array(slots);
  const probeKey = new Uint8Array(8);
  const view = new DataView(probeKey.buffer);
  for (let slot = 0; slot < size; slot++) {
    if (eligible[slots[slot]!] === true) continue;
    view.setUint32(0, slot, true);
    served[slot] = ahead[slot]!;
    for (let probe = 1; probe <= MAX_PROBES; probe++) {
      view.setUint32(4, probe, true);
      const owner = slots[(xxhash32(probeKey, 8, seed) >>> 0) % size]!;
      if (eligible[owner] === true) {
        served[slot] = owner;
        break;
      }
    }
  }
  return served;
}

/** With a fifth of the slots eligible, 32 probes all miss for one slot in a thousand. */
const MAX_PROBES = 32;

/**
 * Who claims at each turn: smooth weighted round robin, which repeats after (sum of weights / their gcd) turns, so
 * one cycle (or the first `size` turns, if shorter) is computed, at one pass over the members per turn, and replayed.
 * Equal weights cost N turns, not `size`.
 */
function turnOrder(weights: Int32Array, size: number): Int32Array {
  const divisor = weights.reduce(gcd, 0);
  const reduced = weights.map((w) => w / divisor);
  const total = reduced.reduce((a, b) => a + b, 0);
  const turns = new Int32Array(Math.min(total, size));
  const credit = new Int32Array(weights.length);
  for (let t = 0; t < turns.length; t++) turns[t] = smoothTurn(reduced, credit, total);
  return turns;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Throws unless the size is a prime and the seed 32 bits, so a bad pool setting fails when it is configured. */
export function assertMaglevOptions({ tableSize, seed }: MaglevOptions): void {
  if (!isPrime(tableSize)) throw new RangeError(`Maglev table size ${tableSize} is not a prime`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`Maglev seed ${seed} is not a 32-bit unsigned integer`);
  }
}

/** By UTF-16 code units: the same order on every node, whatever its locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const UNCLAIMED = 0xffffffff;

function next(slot: number, skip: number, size: number): number {
  const s = slot + skip;
  return s >= size ? s - size : s;
}

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
