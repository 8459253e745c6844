/** The records a zone's config defines itself: SOA and NS at the apex, the addresses of its in-zone nameservers. */
import type { Answer, RecordType, SoaAnswer } from 'dns-packet';
import type { Zone } from './zone.ts';

/**
 * `name`'s records of `type` from the zone's config: undefined when the config says nothing of the name, an empty
 * list when the name is the apex or a nameserver but has nothing of that type. Owner names are canonical.
 */
export function zoneRecords(zone: Zone, name: string, type: RecordType, serial: number): Answer[] | undefined {
  const addresses = zone.glue.get(name);
  if (name !== zone.name && addresses === undefined) return undefined;
  const records: Answer[] = [];
  if (name === zone.name && type === 'SOA') records.push(soaRecord(zone, serial, zone.ttl));
  if (name === zone.name && type === 'NS') {
    for (const server of zone.nameservers) records.push({ name, type: 'NS', ttl: zone.ttl, data: server });
  }
  if (type === 'A' || type === 'AAAA') records.push(...addressRecords(zone, name, type));
  return records;
}

/** The zone's SOA with `ttl`: the zone's TTL at the apex, its negative TTL in the authority of negative answers. */
export function soaRecord(zone: Zone, serial: number, ttl: number): SoaAnswer {
  const { nameservers, hostmaster, refresh, retry, expire, minimum } = zone;
  return {
    name: zone.name,
    type: 'SOA',
    ttl,
    data: { mname: nameservers[0]!, rname: hostmaster, serial, refresh, retry, expire, minimum },
  };
}

/** A or AAAA records of an in-zone nameserver, from its glue. */
export function addressRecords(zone: Zone, name: string, type: 'A' | 'AAAA'): Answer[] {
  return (zone.glue.get(name) ?? [])
    .filter((address) => address.includes(':') === (type === 'AAAA'))
    .map((data) => ({ name, type, ttl: zone.ttl, data }));
}
