/** The zones weir serves, and which one a name falls in. */
import { isWithin } from './domain-name.ts';
import type { Zone } from './zone.ts';

export class ZoneSet {
  /** Deepest apex first, so a name finds its closest enclosing zone (the config forbids nesting, tests need not). */
  private readonly zones: readonly Zone[];

  constructor(zones: readonly Zone[]) {
    this.zones = [...zones].sort((a, b) => b.name.length - a.name.length);
  }

  /** The zone canonical `name` belongs to, or undefined when weir has no authority for it. */
  zoneOf(name: string): Zone | undefined {
    return this.zones.find((zone) => isWithin(name, zone.name));
  }
}
