import {
  buildMaglevTable,
  compareIds,
  type MaglevOptions,
  type MaglevTable,
  redirectIneligible,
} from './maglev-table.ts';
import { servingTier } from './member-set.ts';

/** A pool member as a Maglev table sees it. */
export interface MaglevCandidate {
  /** Unique in the pool: it decides the member's place in the table, so every node must use the same ids. */
  readonly id: string;
  /** 0-256; 0 drains: no slots. */
  readonly weight: number;
  readonly backup: boolean;
  /** May take new flows: admin up and not found down by health checks. */
  readonly eligible: boolean;
}

/**
 * Which member serves each slot of a pool's Maglev table, with Octavia's member semantics: the table is built over
 * the regular members with weight > 0 (over the backups while none of those is eligible), and the slots of its
 * ineligible members are redirected, so a member going down moves exactly its own keys (`redirectIneligible`).
 *
 * Returns `options.tableSize` entries, each an index into `members`; none when no member is eligible. A key (a
 * client's address, or address and port, hashed under `options.seed`) modulo the table size picks the slot. The
 * source hash balancer, the kernel NAT and DSR providers all read their tables from here, so a pool's slots are the
 * same whichever of them carries it. Pass the same `cache` for the same pool to skip rebuilding unchanged tiers.
 */
export function maglevSlots(
  members: readonly MaglevCandidate[],
  options: MaglevOptions,
  cache: MaglevTableCache = new MaglevTableCache(),
): Uint32Array {
  const { backup, tier, eligible, active } = servingTier(members, (m) => m.eligible);
  if (active.length === 0) return new Uint32Array(0);
  const table = cache.table(backup, tier, options);
  const position = new Map(tier.map((m, i) => [m.id, i]));
  const served = redirectIneligible(
    table,
    table.ids.map((id) => eligible[position.get(id)!]!),
  );
  const index = new Map(members.map((m, i) => [m.id, i]));
  const toMember = Uint32Array.from(table.ids, (id) => index.get(id)!);
  return served.map((owner) => toMember[owner]!);
}

/**
 * The last table built for each tier of one pool, reused while the tier's ids and weights (and the options) stay the
 * same: health changes and failing over to the backups and back cost no rebuild.
 */
export class MaglevTableCache {
  readonly #built: { regular?: Built; backup?: Built } = {};

  table(backup: boolean, tier: readonly MaglevCandidate[], options: MaglevOptions): MaglevTable {
    const members = tier.map(({ id, weight }) => ({ id, weight })).sort((a, b) => compareIds(a.id, b.id));
    const key = JSON.stringify([options.tableSize, options.seed, members]);
    const kind = backup ? 'backup' : 'regular';
    const cached = this.#built[kind];
    if (cached?.key === key) return cached.table;
    const table = buildMaglevTable(members, options);
    this.#built[kind] = { key, table };
    return table;
  }
}

/**
 * A table cache per pool and VIP address family: a pool serving both families builds one table of its IPv4 members
 * and one of its IPv6 members, each kept while its members stay.
 */
export class PoolTableCaches {
  readonly #caches = new Map<string, MaglevTableCache>();

  of(poolId: string, family: 4 | 6): MaglevTableCache {
    const key = `${poolId}/${family}`;
    const cache = this.#caches.get(key) ?? new MaglevTableCache();
    this.#caches.set(key, cache);
    return cache;
  }

  forget(poolId: string): void {
    for (const family of [4, 6]) this.#caches.delete(`${poolId}/${family}`);
  }
}

interface Built {
  readonly key: string;
  readonly table: MaglevTable;
}
