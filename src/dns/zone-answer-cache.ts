/**
 * Zone answers other than published address sets (NXDOMAIN, NODATA, SERVFAIL, the apex's SOA and NS, glue), kept
 * encoded per asked name and type until the SOA serial or the published records change, so the fast path answers
 * them with a copy too. Bounded: a flood of random names empties it rather than growing it.
 */
import type { Question, RecordType } from 'dns-packet';
import { type Authority, answer } from './answer.ts';
import { RCODES } from './message-header.ts';
import { encodeRecords } from './section-wire.ts';

const MAX_ENTRIES = 10_000;

/** What follows the question in the response: header byte 3 and flags, section counts, the sections' bytes. */
export interface PreparedSections {
  readonly rcode: number;
  readonly authoritative: boolean;
  readonly answers: number;
  readonly authorities: number;
  readonly additionals: number;
  readonly bytes: Buffer;
}

export class ZoneAnswerCache {
  readonly #entries = new Map<string, PreparedSections | null>();
  #generation = '';

  /**
   * The answer to `type` at the name whose wire form (lowercased) is `wire`; null when the fast path should not
   * answer it (REFUSED, or chosen per query or per client).
   */
  sections(authority: Authority, wire: string, type: RecordType, typeCode: number): PreparedSections | null {
    const generation = `${authority.serial()} ${authority.prepared?.version ?? 0}`;
    if (generation !== this.#generation || this.#entries.size >= MAX_ENTRIES) {
      this.#entries.clear();
      this.#generation = generation;
    }
    const key = `${typeCode} ${wire}`;
    let sections = this.#entries.get(key);
    if (sections === undefined) {
      sections = prepare(authority, wire, type);
      this.#entries.set(key, sections);
    }
    return sections;
  }
}

function prepare(authority: Authority, wire: string, type: RecordType): PreparedSections | null {
  const question: Question = { name: dottedName(wire), type, class: 'IN' };
  const result = answer(question, authority);
  // Answers chosen per query or per client are not to be kept: each query gets its own.
  if (result.rcode === 'REFUSED' || result.clientSpecific || result.shuffled) return null;
  return {
    rcode: RCODES[result.rcode],
    authoritative: result.authoritative,
    answers: result.answers.length,
    authorities: result.authorities.length,
    additionals: result.additionals.length,
    bytes: encodeRecords([...result.answers, ...result.authorities, ...result.additionals], wire),
  };
}

/** `\x03www\x02lb...` -> `www.lb...`. */
function dottedName(wire: string): string {
  const labels: string[] = [];
  for (let at = 0; at < wire.length; at += 1 + wire.charCodeAt(at)) {
    labels.push(wire.slice(at + 1, at + 1 + wire.charCodeAt(at)));
  }
  return labels.join('.');
}
