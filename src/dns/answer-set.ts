/**
 * The records one name answers for one type, prepared when they change (a load balancer applied, a member's health
 * flipped) so that a query only orders and copies them: each record is kept in wire form too, its owner a pointer to
 * the question's name, so an answer is never re-encoded while it stays the same.
 */
import type { Answer } from 'dns-packet';
import { xxhash32 } from '../balancing/xxhash32.ts';
import { encodeWithOwner } from './section-wire.ts';

/**
 * How a query orders the records before the first `limit` are answered:
 * `as-listed` keeps them in order (zone data, fallback addresses);
 * `weighted` shuffles them per query, each record first with probability weight / total (weighted random);
 * `sticky` orders them the same way for the same client (weighted rendezvous hashing of the client and the record).
 */
export type AnswerOrder = 'as-listed' | 'weighted' | 'sticky';

export interface AnswerSet {
  readonly records: readonly Answer[];
  /** `records[i]` encoded, its owner name the pointer 0xc00c (the question's name right after the header). */
  readonly wire: readonly Buffer[];
  /** Positive, per record; only `weighted` and `sticky` read them. */
  readonly weights: readonly number[];
  /** Per record, a hash of its type and data (not its TTL): what a client is hashed with for `sticky`. */
  readonly keys: Uint32Array;
  readonly order: AnswerOrder;
  /** At most this many records per answer. */
  readonly limit: number;
  /** The name exists but answers SERVFAIL for this type (the all-down policy `servfail`). */
  readonly servfail: boolean;
}

const OWNER_POINTER = Buffer.from([0xc0, 0x0c]);
/** Where a record's data length starts, past its owner pointer, type, class and TTL. */
const RDATA_LENGTH_AT = 10;

/** An answer set of `records` (owner names are ignored: answers carry the question's spelling). */
export function answerSet(
  records: readonly Answer[],
  options: { weights?: readonly number[]; order?: AnswerOrder; limit?: number; servfail?: boolean } = {},
): AnswerSet {
  const weights = options.weights ?? records.map(() => 1);
  if (weights.length !== records.length || weights.some((w) => !(w > 0))) {
    throw new RangeError('an answer set needs one positive weight per record');
  }
  const wire = records.map((record) => encodeWithOwner(record, OWNER_POINTER));
  // The record's data only, past its TTL: the TTL follows health, and a sticky client must not move when it changes.
  const keys = Uint32Array.from(
    wire,
    (bytes) => xxhash32(bytes.subarray(RDATA_LENGTH_AT), bytes.length - RDATA_LENGTH_AT, bytes.readUInt16BE(2)) >>> 0,
  );
  return Object.freeze({
    records: Object.freeze([...records]),
    wire: Object.freeze(wire),
    weights: Object.freeze([...weights]),
    keys,
    order: options.order ?? 'as-listed',
    limit: options.limit ?? records.length,
    servfail: options.servfail ?? false,
  });
}

/** A name that exists with no records of the type (NODATA). */
export const NO_RECORDS: AnswerSet = answerSet([]);

/** A name that exists but answers SERVFAIL for the type. */
export const SERVER_FAILURE: AnswerSet = answerSet([], { servfail: true });
