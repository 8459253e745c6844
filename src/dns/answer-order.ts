/** Which records of an answer set a query gets, in which order: the one per-query decision of a published answer. */
import type { AnswerSet } from './answer-set.ts';

/**
 * Indexes into `set.records`, at most `set.limit` of them. `clientKey` (a hash of the client's subnet) is read only
 * by `sticky` sets; `random` returns numbers in [0, 1) and is read only by `weighted` ones.
 *
 * Both weighted orders rank record i by -ln(u_i) / weight_i, lowest first (Efraimidis and Spirakis), so record i
 * comes first with probability weight_i / total: u_i is uniform per query for `weighted`, and a hash of the client and
 * the record for `sticky`, which makes the order a client sees stable and moves only the clients of a record that
 * leaves or joins (rendezvous hashing).
 */
export function answerOrder(set: AnswerSet, clientKey: number, random: () => number = Math.random): number[] {
  const count = Math.min(set.limit, set.records.length);
  const all = set.records.length;
  if (set.order === 'as-listed' || all <= 1) return Array.from({ length: count }, (_, i) => i);
  const rank = new Float64Array(all);
  for (let i = 0; i < all; i++) {
    const unit = set.order === 'sticky' ? unitHash(clientKey, set.keys[i]!) : 1 - random();
    rank[i] = -Math.log(unit) / set.weights[i]!;
  }
  const indexes = Array.from({ length: all }, (_, i) => i);
  indexes.sort((a, b) => rank[a]! - rank[b]!);
  return count === all ? indexes : indexes.slice(0, count);
}

/** A number in (0, 1] from two 32-bit hashes: murmur3's finalizer over their mix. */
function unitHash(a: number, b: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return (h + 1) / 4294967296;
}
