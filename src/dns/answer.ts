/** What an authoritative server answers to one question: rcode, authority, and the three record sections. */
import type { Answer, Question, RecordType } from 'dns-packet';
import { canonicalName, isWithin } from './domain-name.ts';
import type { Zone } from './zone.ts';
import { addressRecords, soaRecord, zoneRecords } from './zone-records.ts';
import type { ZoneSet } from './zone-set.ts';

/**
 * Records published under canonical `name` (load balancers' names, later): undefined when the name does not exist,
 * an empty list when it exists without records of `type` (also for empty non-terminals). Owner names are ignored:
 * answers carry the question's spelling.
 */
export type RecordLookup = (name: string, type: RecordType) => readonly Answer[] | undefined;

/** What the server answers from: its zones, the published records, and the SOA serial of the moment. */
export interface Authority {
  zones: ZoneSet;
  lookup: RecordLookup;
  serial: () => number;
}

export interface ZoneAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN' | 'REFUSED';
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

/** Types an ANY query is answered with (all records of the name, as it exists here). */
const ANY_TYPES: readonly RecordType[] = ['SOA', 'NS', 'A', 'AAAA', 'MX', 'SRV', 'TXT'];

const REFUSED: ZoneAnswer = { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [], additionals: [] };

export function answer(question: Question, authority: Authority): ZoneAnswer {
  const name = canonicalName(question.name);
  const zone = authority.zones.zoneOf(name);
  if (zone === undefined || (question.class ?? 'IN') !== 'IN') return REFUSED;
  const serial = authority.serial();
  const types = (question.type as string) === 'ANY' ? ANY_TYPES : [question.type];
  let exists = false;
  const answers: Answer[] = [];
  for (const type of types) {
    const records = recordsOf(zone, name, type, authority, serial);
    if (records === undefined) continue;
    exists = true;
    for (const record of records) answers.push({ ...record, name: question.name } as Answer);
  }
  if (answers.length === 0) {
    const negative = soaRecord(zone, serial, zone.negativeTtl);
    return {
      rcode: exists ? 'NOERROR' : 'NXDOMAIN',
      authoritative: true,
      answers,
      authorities: [negative],
      additionals: [],
    };
  }
  return { rcode: 'NOERROR', authoritative: true, answers, authorities: [], additionals: glueFor(zone, answers) };
}

/** The zone's own records of the name when it defines any of the type, else the published ones. */
function recordsOf(zone: Zone, name: string, type: RecordType, authority: Authority, serial: number) {
  const own = zoneRecords(zone, name, type, serial);
  if (own !== undefined && own.length > 0) return own;
  return authority.lookup(name, type) ?? own;
}

/** A and AAAA of the in-zone nameservers among NS answers, so resolvers can reach them (glue). */
function glueFor(zone: Zone, answers: readonly Answer[]): Answer[] {
  return answers
    .flatMap((record) => (record.type === 'NS' ? [canonicalName(record.data)] : []))
    .filter((server) => isWithin(server, zone.name))
    .flatMap((server) => [...addressRecords(zone, server, 'A'), ...addressRecords(zone, server, 'AAAA')]);
}
