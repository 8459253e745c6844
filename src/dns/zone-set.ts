/** The zones weir serves, and which one a name falls in. */
import { isWithin, wireName } from './domain-name.ts';
import type { Zone } from './zone.ts';

export class ZoneSet {
  /** Deepest apex first, so a name finds its closest enclosing zone (the config forbids nesting, tests need not). */
  private readonly zones: readonly Zone[];

  /** Apexes and in-zone nameservers in wire form: names whose records the zone's config defines itself. */
  private readonly configured: ReadonlySet<string>;

  constructor(zones: readonly Zone[]) {
    this.zones = [...zones].sort((a, b) => b.name.length - a.name.length);
    this.configured = new Set(zones.flatMap((zone) => [zone.name, ...zone.glue.keys()]).map(wireName));
  }

  /** Whether the name (in wire form, lowercased) is an apex or an in-zone nameserver. */
  hasConfiguredRecords(wire: string): boolean {
    return this.configured.has(wire);
  }

  /** The zone canonical `name` belongs to, or undefined when weir has no authority for it. */
  zoneOf(name: string): Zone | undefined {
    return this.zones.find((zone) => isWithin(name, zone.name));
  }
}
