/** Records load balancers publish, per canonical name, as weir's DNS server looks them up. */
import type { RecordType } from 'dns-packet';
import type { RecordLookup } from './answer.ts';
import { type AnswerSet, NO_RECORDS } from './answer-set.ts';
import { wireName } from './domain-name.ts';

/** A published name's records by type, computed when its load balancer or a member's health changes. */
export type NameRecords = Readonly<Partial<Record<RecordType, AnswerSet>>>;

export class PublishedRecords {
  private readonly byName = new Map<string, NameRecords>();
  /** The same, keyed by the name in wire form (`wireName`): what the query fast path looks up. */
  private readonly byWireName = new Map<string, NameRecords>();
  /** For each name above a published one, how many published names lie below it. */
  private readonly below = new Map<string, number>();

  publish(name: string, records: NameRecords): void {
    if (!this.byName.has(name))
      for (const above of ancestors(name)) this.below.set(above, (this.below.get(above) ?? 0) + 1);
    this.byName.set(name, records);
    this.byWireName.set(wireName(name), records);
    this.version++;
  }

  withdraw(name: string): void {
    if (!this.byName.delete(name)) return;
    this.byWireName.delete(wireName(name));
    this.version++;
    for (const above of ancestors(name)) {
      const count = (this.below.get(above) ?? 1) - 1;
      if (count === 0) this.below.delete(above);
      else this.below.set(above, count);
    }
  }

  /** Counts publications and withdrawals: answers derived from these records hold while it stays the same. */
  version = 0;

  /** A published name's records by its wire form, lowercased; undefined for every other name. */
  byWire(wire: string): NameRecords | undefined {
    return this.byWireName.get(wire);
  }

  /**
   * Names not published do not exist (NXDOMAIN), unless a published name lies below them: such an empty non-terminal
   * exists with no records (RFC 8020: NXDOMAIN would tell resolvers nothing exists below it). A published name without
   * records of a type has none of it (NODATA).
   */
  readonly lookup: RecordLookup = (name: string, type: RecordType) => {
    const records = this.byName.get(name);
    if (records === undefined) return this.below.has(name) ? NO_RECORDS : undefined;
    return records[type] ?? NO_RECORDS;
  };
}

/** `b.c` and `c` for `a.b.c`. */
function ancestors(name: string): string[] {
  const labels = name.split('.');
  return labels.slice(1).map((_, i) => labels.slice(i + 1).join('.'));
}
