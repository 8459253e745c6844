/** Records load balancers publish, per canonical name, as weir's DNS server looks them up. */
import type { Answer, RecordType } from 'dns-packet';
import type { RecordLookup } from './answer.ts';

/** A published name's address records, computed when its load balancer or a member's health changes. */
export interface NameRecords {
  A: readonly Answer[];
  AAAA: readonly Answer[];
}

const NONE: readonly Answer[] = [];

export class PublishedRecords {
  private readonly byName = new Map<string, NameRecords>();

  publish(name: string, records: NameRecords): void {
    this.byName.set(name, records);
  }

  withdraw(name: string): void {
    this.byName.delete(name);
  }

  /** Names not published do not exist (NXDOMAIN); a published name without records of a type has none (NODATA). */
  readonly lookup: RecordLookup = (name: string, type: RecordType) => {
    const records = this.byName.get(name);
    if (records === undefined) return undefined;
    return type === 'A' || type === 'AAAA' ? records[type] : NONE;
  };
}
