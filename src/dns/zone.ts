/** A zone weir is authoritative for, in the form answers are built from: names canonical, glue by nameserver. */
import type { ConfigFile } from '../config/schema.ts';
import { canonicalName } from './domain-name.ts';

export interface Zone {
  name: string;
  nameservers: readonly string[];
  hostmaster: string;
  /** Addresses of the nameservers inside the zone. */
  glue: ReadonlyMap<string, readonly string[]>;
  ttl: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
  negativeTtl: number;
  /** Projects that may publish names here; undefined: every project. */
  projects: readonly string[] | undefined;
}

export function zoneFromConfig(zone: ConfigFile['dns']['zones'][number]): Zone {
  return {
    name: canonicalName(zone.name),
    nameservers: zone.nameservers.map(canonicalName),
    hostmaster: canonicalName(zone.hostmaster),
    glue: new Map(Object.entries(zone.glue).map(([name, addresses]) => [canonicalName(name), addresses])),
    ttl: zone.ttl,
    refresh: zone.refresh,
    retry: zone.retry,
    expire: zone.expire,
    minimum: zone.minimum,
    negativeTtl: zone.negative_ttl,
    projects: zone.projects,
  };
}
