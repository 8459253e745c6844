/** One client (or cookie value) and the member it is stuck to. */
export interface StickEntry {
  member: string;
  /** When it was last used, in ms. */
  used: number;
  /** When its use was last told to the other workers (stick-sync.ts), in ms. */
  reported: number;
}

/** Uses closer together than this do not move an entry in the eviction order: a hit is one Map lookup. */
const REORDER_MS = 1_000;
/** Expired entries dropped per write, from the oldest: memory is taken back as the table is used. */
const SWEEP_PER_SET = 4;

/**
 * Session persistence's table: key (a client's masked address, a cookie value) to member id, bounded in size, an
 * entry forgotten when it has not been used for `idleMs`. A Map kept in order of last use (to within REORDER_MS)
 * makes both the least recently used entry and the expired ones the first: eviction and expiry never scan.
 * A table of keys, not a hash of the member set: a member's removal moves only its own clients.
 */
export class StickTable {
  readonly #entries = new Map<string, StickEntry>();

  constructor(
    readonly capacity: number,
    readonly idleMs: number,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The entry for `key` if it is still alive, its use recorded. */
  hit(key: string, now: number): StickEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (now - entry.used >= this.idleMs) {
      this.#entries.delete(key);
      return undefined;
    }
    if (now - entry.used >= REORDER_MS) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    entry.used = now;
    return entry;
  }

  /** The member `key` is stuck to, without counting as a use. */
  peek(key: string, now: number): string | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && now - entry.used < this.idleMs ? entry.member : undefined;
  }

  /** Sticks `key` to `member`, the least recently used entry evicted when the table is full. */
  set(key: string, member: string, now: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { member, used: now, reported: now });
    let swept = 0;
    for (const [oldest, entry] of this.#entries) {
      const full = this.#entries.size > this.capacity;
      if (!full && (swept >= SWEEP_PER_SET || now - entry.used < this.idleMs)) break;
      this.#entries.delete(oldest);
      swept++;
    }
  }

  /** Records a use of `key` elsewhere (another worker), keeping it alive here. */
  touch(key: string, now: number): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    entry.used = now;
    entry.reported = now;
  }

  /** The entries not expired, as key and member, least recently used first. */
  *live(now: number): Generator<[string, string]> {
    for (const [key, entry] of this.#entries) if (now - entry.used < this.idleMs) yield [key, entry.member];
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
