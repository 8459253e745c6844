import type { Balancer, BalancerTarget, PickContext } from './balancer.ts';
import {
  assertMaglevOptions,
  DEFAULT_MAGLEV_SEED,
  DEFAULT_MAGLEV_TABLE_SIZE,
  type MaglevOptions,
} from './maglev-table.ts';
import { MaglevTableCache, maglevSlots } from './maglev-tiers.ts';
import { MemberSet } from './member-set.ts';
import { xxhash32 } from './xxhash32.ts';

/** The table a pick reads, with the serving tier's members it refers to; replaced whole. */
interface Lookup<T> {
  readonly targets: readonly T[];
  readonly slots: Uint32Array;
}

/**
 * SOURCE_IP and SOURCE_IP_PORT: a client's address (and port) hashes to a Maglev table slot, so the same client
 * reaches the same member, and membership changes move few clients. Regular and backup members have a table each,
 * both kept, so failing over to the backups and back costs no rebuild.
 */
export class SourceHash<T extends BalancerTarget> implements Balancer<T> {
  readonly algorithm: 'SOURCE_IP' | 'SOURCE_IP_PORT';
  readonly #withPort: boolean;
  readonly #options: MaglevOptions;
  readonly #members = new MemberSet<T>();
  readonly #tables = new MaglevTableCache();
  #lookup: Lookup<T> | undefined;

  constructor(algorithm: 'SOURCE_IP' | 'SOURCE_IP_PORT', options: Partial<MaglevOptions> = {}) {
    this.algorithm = algorithm;
    this.#withPort = algorithm === 'SOURCE_IP_PORT';
    this.#options = {
      tableSize: options.tableSize ?? DEFAULT_MAGLEV_TABLE_SIZE,
      seed: options.seed ?? DEFAULT_MAGLEV_SEED,
    };
    assertMaglevOptions(this.#options);
  }

  update(targets: readonly T[]): void {
    if (this.#members.update(targets)) this.#rebuild();
  }

  setUp(id: string, up: boolean): void {
    if (this.#members.setUp(id, up)) this.#rebuild();
  }

  pick(ctx: PickContext): T | undefined {
    const lookup = this.#lookup;
    if (lookup === undefined) return undefined;
    const hash = clientHash(ctx.remoteAddress, this.#withPort ? ctx.remotePort : undefined, this.#options.seed);
    return lookup.targets[lookup.slots[(hash >>> 0) % lookup.slots.length]!];
  }

  #rebuild(): void {
    const { tier, eligible } = this.#members.snapshot;
    const candidates = tier.map(({ id, weight, backup }, i) => ({ id, weight, backup, eligible: eligible[i]! }));
    const slots = maglevSlots(candidates, this.#options, this.#tables);
    this.#lookup = slots.length === 0 ? undefined : { targets: tier, slots };
  }
}

/** Room for any address Node reports (IPv6 with a zone index is under 64 characters) and a port. */
const keyBytes = new Uint8Array(128);

/**
 * The client's hash (signed, as `xxhash32` returns it), computed in a reused buffer so a pick allocates nothing. An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, what a dual-stack listener reports) hashes as the IPv4 address, so a client lands on the same
 * member whichever listener it reached. The port, when given, is appended as two bytes.
 */
export function clientHash(address: string | undefined, port: number | undefined, seed: number): number {
  let length = 0;
  if (address !== undefined) {
    const start = isIpv4Mapped(address) ? MAPPED_PREFIX.length : 0;
    const end = Math.min(address.length, start + keyBytes.length - 2);
    for (let i = start; i < end; i++) keyBytes[length++] = address.charCodeAt(i);
  }
  if (port !== undefined) {
    keyBytes[length++] = port >>> 8;
    keyBytes[length++] = port & 0xff;
  }
  return xxhash32(keyBytes, length, seed);
}

const MAPPED_PREFIX = '::ffff:';

function isIpv4Mapped(address: string): boolean {
  if (address.length <= MAPPED_PREFIX.length) return false;
  for (let i = 0; i < MAPPED_PREFIX.length; i++) {
    // `| 0x20` lower-cases the F's and leaves ':' alone.
    if ((address.charCodeAt(i) | 0x20) !== MAPPED_PREFIX.charCodeAt(i)) return false;
  }
  // A dotted quad must follow: `::ffff:0:192.0.2.1` (IPv4-translated) and `::ffff:ffff` are other addresses.
  return address.indexOf(':', MAPPED_PREFIX.length) < 0 && address.indexOf('.', MAPPED_PREFIX.length) > 0;
}
