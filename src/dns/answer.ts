/** What an authoritative server answers to one question: rcode, authority, and the three record sections. */
import type { Answer, Question, RecordType } from 'dns-packet';
import { answerOrder } from './answer-order.ts';
import type { AnswerSet } from './answer-set.ts';
import { canonicalName, isWithin } from './domain-name.ts';
import type { NameRecords } from './published-records.ts';
import type { Zone } from './zone.ts';
import { addressRecords, soaRecord, zoneRecords } from './zone-records.ts';
import type { ZoneSet } from './zone-set.ts';

/**
 * Records published under canonical `name` (load balancers' names): undefined when the name does not exist, an empty
 * set when it exists without records of `type` (also for empty non-terminals). Owner names are ignored: answers
 * carry the question's spelling.
 */
export type RecordLookup = (name: string, type: RecordType) => AnswerSet | undefined;

/** What the server answers from: its zones, the published records, and the SOA serial of the moment. */
export interface Authority {
  zones: ZoneSet;
  lookup: RecordLookup;
  serial: () => number;
  /** The same published records by name in wire form, lowercased, for the fast path (`PublishedRecords`). */
  prepared?: PreparedRecords;
}

export interface PreparedRecords {
  byWire(wireName: string): NameRecords | undefined;
  /** Moves whenever a name's records change. */
  readonly version: number;
}

export interface ZoneAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL';
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  /** The answers were chosen for this client (a sticky order): ECS replies then carry the source prefix as scope. */
  clientSpecific?: boolean;
  /** The answers were chosen for this query (a weighted shuffle): another query may get others. */
  shuffled?: boolean;
}

/** Types an ANY query is answered with (all records of the name, as it exists here). */
const ANY_TYPES: readonly RecordType[] = ['SOA', 'NS', 'A', 'AAAA', 'MX', 'SRV', 'TXT'];

/** Zone transfers are not offered: the zones live in weir's store, not in files secondaries could copy. */
const ZONE_TRANSFERS: ReadonlySet<string> = new Set(['AXFR', 'IXFR']);

const REFUSED: ZoneAnswer = { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [], additionals: [] };
/** The all-down policy `servfail`: the name exists, and the server says it cannot answer it now. */
const SERVER_FAILURE: ZoneAnswer = {
  rcode: 'SERVFAIL',
  authoritative: false,
  answers: [],
  authorities: [],
  additionals: [],
};

/** The answer to `question`; `clientKey` identifies the client for sticky orders (see `client-subnet.ts`). */
export function answer(question: Question, authority: Authority, clientKey = 0): ZoneAnswer {
  const name = canonicalName(question.name);
  const zone = authority.zones.zoneOf(name);
  if (zone === undefined || (question.class ?? 'IN') !== 'IN' || ZONE_TRANSFERS.has(question.type)) return REFUSED;
  const serial = authority.serial();
  const types = (question.type as string) === 'ANY' ? ANY_TYPES : [question.type];
  let exists = false;
  let clientSpecific = false;
  let shuffled = false;
  const answers: Answer[] = [];
  for (const type of types) {
    // The zone's own records of the name win when it defines any of the type; else the published ones.
    const own = zoneRecords(zone, name, type, serial);
    const set = own !== undefined && own.length > 0 ? undefined : authority.lookup(name, type);
    if (own === undefined && set === undefined) continue;
    exists = true;
    if (set === undefined) {
      for (const record of own!) answers.push({ ...record, name: question.name } as Answer);
      continue;
    }
    if (set.servfail) return SERVER_FAILURE;
    clientSpecific ||= set.order === 'sticky';
    shuffled ||= set.order === 'weighted' && set.records.length > 1;
    for (const index of answerOrder(set, clientKey)) {
      answers.push({ ...set.records[index]!, name: question.name } as Answer);
    }
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
  return {
    rcode: 'NOERROR',
    authoritative: true,
    answers,
    authorities: [],
    additionals: glueFor(zone, answers),
    ...(clientSpecific && { clientSpecific }),
    ...(shuffled && { shuffled }),
  };
}

/** A and AAAA of the in-zone nameservers among NS answers, so resolvers can reach them (glue). */
function glueFor(zone: Zone, answers: readonly Answer[]): Answer[] {
  return answers
    .flatMap((record) => (record.type === 'NS' ? [canonicalName(record.data)] : []))
    .filter((server) => isWithin(server, zone.name))
    .flatMap((server) => [...addressRecords(zone, server, 'A'), ...addressRecords(zone, server, 'AAAA')]);
}
