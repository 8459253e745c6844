/** A zone with records of every kind the DNS server answers, for its unit and socket tests. */
import type { Answer, RecordType } from 'dns-packet';
import type { Authority } from '../../src/dns/answer.ts';
import { answerSet } from '../../src/dns/answer-set.ts';
import { PublishedRecords } from '../../src/dns/published-records.ts';
import type { Zone } from '../../src/dns/zone.ts';
import { ZoneSet } from '../../src/dns/zone-set.ts';

export const EXAMPLE_ZONE: Zone = {
  name: 'lb.example.org',
  nameservers: ['ns1.lb.example.org', 'ns.example.net'],
  hostmaster: 'hostmaster.example.org',
  glue: new Map([['ns1.lb.example.org', ['192.0.2.53', '2001:db8::53']]]),
  ttl: 3600,
  refresh: 3600,
  retry: 600,
  expire: 1209600,
  minimum: 300,
  negativeTtl: 60,
  projects: undefined,
};

export const SERIAL = 2026112801;
/** Records of `medium`: too many for 512 bytes, not for 1232 (16 bytes each, the owner name compressed). */
export const MEDIUM_RECORDS = 40;
/** Records of `big`: too many for 1232 bytes. */
export const BIG_RECORDS = 120;

const a = (last: number): Answer => ({ name: '', type: 'A', ttl: 30, data: `198.51.100.${last}` });
const published: Record<string, Partial<Record<RecordType, Answer[]>>> = {
  'www.lb.example.org': {
    A: [a(10), a(11)],
    AAAA: [{ name: '', type: 'AAAA', ttl: 30, data: '2001:db8::10' }],
  },
  'mail.lb.example.org': {
    MX: [{ name: '', type: 'MX', ttl: 30, data: { preference: 10, exchange: 'www.lb.example.org' } }],
  },
  '_http._tcp.www.lb.example.org': {
    SRV: [
      { name: '', type: 'SRV', ttl: 30, data: { priority: 0, weight: 5, port: 8080, target: 'www.lb.example.org' } },
    ],
  },
  'txt.lb.example.org': { TXT: [{ name: '', type: 'TXT', ttl: 30, data: 'v=weir' }] },
  'medium.lb.example.org': { A: Array.from({ length: MEDIUM_RECORDS }, (_, i) => a(i + 1)) },
  'big.lb.example.org': { A: Array.from({ length: BIG_RECORDS }, (_, i) => a(i + 1)) },
};

/** Published as the `dns` provider publishes: names above a published one exist (empty non-terminals such as `_tcp.www`). */
function examplePublished(): PublishedRecords {
  const records = new PublishedRecords();
  for (const [name, types] of Object.entries(published)) {
    records.publish(name, Object.fromEntries(Object.entries(types).map(([type, list]) => [type, answerSet(list)])));
  }
  return records;
}

export const exampleAuthority = (): Authority => {
  const records = examplePublished();
  return {
    zones: new ZoneSet([EXAMPLE_ZONE]),
    lookup: records.lookup,
    prepared: records,
    serial: () => SERIAL,
  };
};
