/**
 * Records in wire form for responses weir puts together itself: each owner name a pointer into the question when it
 * is the question's name or a suffix of it (the zone's apex, for an SOA), written out otherwise.
 */
import type { Answer } from 'dns-packet';
import { canonicalName, wireName } from './domain-name.ts';
import { HEADER_BYTES } from './message-header.ts';
import { encodeRecord } from './record-wire.ts';

const POINTER = 0xc000;

/** `record` encoded with `owner` (a name's wire form or a pointer) in place of its name. */
export function encodeWithOwner(record: Answer, owner: Buffer): Buffer {
  // Encoded under the root name (one zero byte), which the owner then replaces.
  const encoded = encodeRecord({ ...record, name: '.' } as Answer);
  return Buffer.concat([owner, encoded.subarray(1)]);
}

/** The records one after another, owners compressed against `question` (the asked name's wire form, lowercased). */
export function encodeRecords(records: readonly Answer[], question: string): Buffer {
  return Buffer.concat(records.map((record) => encodeWithOwner(record, ownerBytes(record.name, question))));
}

function ownerBytes(name: string, question: string): Buffer {
  const owner = wireName(canonicalName(name));
  for (let at = 0; at < question.length; at += 1 + question.charCodeAt(at)) {
    if (question.length - at === owner.length && question.endsWith(owner)) {
      const pointer = Buffer.alloc(2);
      pointer.writeUInt16BE(POINTER | (HEADER_BYTES + at));
      return pointer;
    }
  }
  return Buffer.from(`${owner}\0`, 'latin1');
}
