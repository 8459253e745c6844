/**
 * The answer to the common query, read and written straight from and into bytes: one question, class IN, a plain
 * lookup type, at most an OPT record (EDNS0 version 0, with or without Client Subnet). A published name's records come from
 * its answer set's prepared wire form; every other answer in weir's zones (NXDOMAIN, NODATA, SOA, NS, glue) from the
 * zone answer cache. A query then costs a header check, a map lookup, the order and a copy. Anything else, and
 * anything that would not fit, is left to the full path (undefined), which decodes the message and answers every
 * case; both give the same answer (respond.test.ts compares them).
 */
import type { RecordType } from 'dns-packet';
import type { Authority } from './answer.ts';
import { answerOrder } from './answer-order.ts';
import type { AnswerSet } from './answer-set.ts';
import {
  type ClientSubnet,
  clientKey,
  clientSubnetReply,
  ECS_OPTION_CODE,
  parseClientSubnet,
} from './client-subnet.ts';
import { isPlainLabelOctet } from './domain-name.ts';
import { HEADER_BYTES } from './message-header.ts';
import { EDNS_BUFFER, responseLimit, type Transport } from './message-limits.ts';
import { type PreparedSections, ZoneAnswerCache } from './zone-answer-cache.ts';

const MAX_NAME_OCTETS = 255;
const OPT_TYPE = 41;
const OPT_FIXED_BYTES = 11;
const CLASS_IN = 1;
const DNSSEC_OK = 0x8000;
const QR_AA = 0x84;
const QR = 0x80;
/** Type names by number, as `dns-packet` decodes them; others are `UNKNOWN_<n>` there, and here. */
const TYPES: Record<number, RecordType> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  257: 'CAA',
};
/** Types that are not plain lookups (OPT, IXFR, AXFR, MAILB, MAILA, ANY): the full path's. */
const SPECIAL_TYPES = new Set([41, 251, 252, 253, 254, 255]);

/** One zone answer cache per authority (a server's), made on first use. */
const caches = new WeakMap<Authority, ZoneAnswerCache>();

/** What the full path would answer, as bytes; undefined when the query is not the common case. */
export function fastResponse(
  raw: Buffer,
  authority: Authority,
  transport: Transport,
  peer: string,
): Buffer | undefined {
  // A query (QR 0), opcode QUERY, one question and nothing else but an optional OPT record.
  if (authority.prepared === undefined || raw.length < HEADER_BYTES + 5 || (raw[2]! & 0xf8) !== 0) return undefined;
  if (raw.readUInt16BE(4) !== 1 || raw.readUInt32BE(6) !== 0 || raw.readUInt16BE(10) > 1) return undefined;
  let nameEnd = HEADER_BYTES;
  while (nameEnd < raw.length && raw[nameEnd] !== 0) {
    if (raw[nameEnd]! > 63) return undefined;
    const labelEnd = nameEnd + 1 + raw[nameEnd]!;
    for (let at = nameEnd + 1; at < labelEnd; at++) if (!isPlainLabelOctet(raw[at] ?? 0)) return undefined;
    nameEnd = labelEnd;
  }
  const questionEnd = nameEnd + 5;
  // A name over 255 octets is malformed (RFC 1035): the full path answers FORMERR.
  if (questionEnd > raw.length || nameEnd - HEADER_BYTES + 1 > MAX_NAME_OCTETS) return undefined;
  const typeCode = raw.readUInt16BE(nameEnd + 1);
  if (SPECIAL_TYPES.has(typeCode) || raw.readUInt16BE(nameEnd + 3) !== CLASS_IN) return undefined;
  const type = TYPES[typeCode] ?? (`UNKNOWN_${typeCode}` as RecordType);
  const opt = raw.readUInt16BE(10) === 1 ? readOpt(raw, questionEnd) : undefined;
  if (opt === false) return undefined;
  const wire = raw.toString('latin1', HEADER_BYTES, nameEnd).toLowerCase();

  // The zone's own records of a name (apex, nameservers) win over published ones, as in `answer`.
  const set = authority.zones.hasConfiguredRecords(wire) ? undefined : authority.prepared.byWire(wire)?.[type];
  if (set !== undefined && set.records.length > 0 && !set.servfail) {
    const sticky = set.order === 'sticky';
    const order = answerOrder(set, sticky ? clientKey(opt?.subnet, peer) : 0);
    const out = response(raw, questionEnd, recordBytes(set, order), opt, transport);
    if (out === undefined) return undefined;
    out[2] = QR_AA | (raw[2]! & 0x01);
    out[3] = 0;
    out.writeUInt16BE(order.length, 6);
    let at = questionEnd;
    for (const index of order) at += set.wire[index]!.copy(out, at);
    if (opt !== undefined) writeOpt(out, at, opt, sticky);
    return out;
  }
  let cache = caches.get(authority);
  if (cache === undefined) {
    cache = new ZoneAnswerCache();
    caches.set(authority, cache);
  }
  const sections = cache.sections(authority, wire, type, typeCode);
  return sections === null ? undefined : zoneResponse(raw, questionEnd, sections, opt, transport);
}

function zoneResponse(
  raw: Buffer,
  questionEnd: number,
  sections: PreparedSections,
  opt: Opt | undefined,
  transport: Transport,
): Buffer | undefined {
  const out = response(raw, questionEnd, sections.bytes.length, opt, transport);
  if (out === undefined) return undefined;
  out[2] = (sections.authoritative ? QR_AA : QR) | (raw[2]! & 0x01);
  out[3] = sections.rcode;
  out.writeUInt16BE(sections.answers, 6);
  out.writeUInt16BE(sections.authorities, 8);
  out.writeUInt16BE(sections.additionals + (opt === undefined ? 0 : 1), 10);
  const at = questionEnd + sections.bytes.copy(out, questionEnd);
  if (opt !== undefined) writeOpt(out, at, opt, false);
  return out;
}

/**
 * A response buffer with the query's header and question (its case kept) copied in, room for `records` bytes and
 * the OPT record, and the counts of an answer-only response; undefined when it would exceed the client's limit.
 */
function response(raw: Buffer, questionEnd: number, records: number, opt: Opt | undefined, transport: Transport) {
  const optBytes =
    opt === undefined ? 0 : OPT_FIXED_BYTES + (opt.subnet === undefined ? 0 : 8 + opt.subnet.address.length);
  const size = questionEnd + records + optBytes;
  if (size > responseLimit(transport, opt?.udpPayloadSize)) return undefined;
  const out = Buffer.allocUnsafe(size);
  raw.copy(out, 0, 0, questionEnd);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(opt === undefined ? 0 : 1, 10);
  return out;
}

interface Opt {
  udpPayloadSize: number;
  dnssecOk: boolean;
  subnet: ClientSubnet | undefined;
}

/** The OPT record ending the message at `offset`; false when it is anything else, malformed or not version 0. */
function readOpt(raw: Buffer, offset: number): Opt | false {
  if (offset + OPT_FIXED_BYTES > raw.length || raw[offset] !== 0 || raw.readUInt16BE(offset + 1) !== OPT_TYPE) {
    return false;
  }
  if (raw[offset + 6] !== 0) return false;
  const end = offset + OPT_FIXED_BYTES + raw.readUInt16BE(offset + 9);
  if (end !== raw.length) return false;
  let subnet: ClientSubnet | undefined;
  for (let at = offset + OPT_FIXED_BYTES; at < end; ) {
    if (at + 4 > end) return false;
    const code = raw.readUInt16BE(at);
    const next = at + 4 + raw.readUInt16BE(at + 2);
    if (next > end) return false;
    // edns-tcp-keepalive and edns-key-tag have formats dns-packet checks: the full path's to judge.
    if (code === 11 || code === 14) return false;
    if (code === ECS_OPTION_CODE) {
      const parsed = subnet === undefined ? parseClientSubnet(raw.subarray(at + 4, next)) : 'twice';
      if (typeof parsed === 'string') return false;
      subnet = parsed;
    }
    at = next;
  }
  return {
    udpPayloadSize: raw.readUInt16BE(offset + 3),
    dnssecOk: (raw.readUInt16BE(offset + 7) & DNSSEC_OK) !== 0,
    subnet,
  };
}

/** weir's OPT record: its buffer, DO echoed, and the client subnet with the scope the answer holds for. */
function writeOpt(out: Buffer, at: number, opt: Opt, sticky: boolean): void {
  out[at] = 0;
  out.writeUInt16BE(OPT_TYPE, at + 1);
  out.writeUInt16BE(EDNS_BUFFER, at + 3);
  out.writeUInt16BE(0, at + 5);
  out.writeUInt16BE(opt.dnssecOk ? DNSSEC_OK : 0, at + 7);
  const subnet = opt.subnet;
  out.writeUInt16BE(subnet === undefined ? 0 : 8 + subnet.address.length, at + 9);
  if (subnet === undefined) return;
  out.writeUInt16BE(ECS_OPTION_CODE, at + OPT_FIXED_BYTES);
  out.writeUInt16BE(4 + subnet.address.length, at + OPT_FIXED_BYTES + 2);
  clientSubnetReply(subnet, sticky ? subnet.sourcePrefixLength : 0).copy(out, at + OPT_FIXED_BYTES + 4);
}

function recordBytes(set: AnswerSet, order: readonly number[]): number {
  let bytes = 0;
  for (const index of order) bytes += set.wire[index]!.length;
  return bytes;
}
