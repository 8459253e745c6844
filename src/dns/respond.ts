/**
 * One DNS message in, one out: the protocol floor around `answer` (FORMERR, NOTIMP, BADVERS, EDNS0 with Client
 * Subnet, truncation). Undefined when nothing may be sent back (the message is itself a response).
 */
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Packet, type PacketOpt } from 'dns-packet';
import { type Authority, answer, type ZoneAnswer } from './answer.ts';
import { clientKey, clientSubnetReply, ECS_OPTION_CODE, parseClientSubnet } from './client-subnet.ts';
import { encodeRecord } from './record-wire.ts';

/** The EDNS0 buffer weir advertises and fills at most over UDP: no IP fragmentation on any usual path (DNS Flag Day 2020). */
export const EDNS_BUFFER = 1232;
/** The UDP limit of a client without EDNS0 (RFC 1035). */
export const CLASSIC_UDP_LIMIT = 512;
const TCP_LIMIT = 65535;

const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
/** BADVERS (16): 0 in the header's four bits, 1 in the OPT record's extended rcode. */
const BADVERS_EXTENDED = 1;
const QR = 0x80;
const OPCODE_AND_RD = 0x79;
const OPCODE_BITS = 0x7800;
const HEADER_BYTES = 12;

export type Transport = 'udp' | 'tcp';

/** `peer` is the address the query came from: sticky answers follow it when the query carries no client subnet. */
export function respond(raw: Buffer, authority: Authority, transport: Transport, peer = ''): Buffer | undefined {
  if (raw.length > 2 && (raw[2]! & QR) !== 0) return undefined;
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(raw);
  } catch {
    return formatError(raw);
  }
  const options = (query.additionals ?? []).filter((record): record is OptAnswer => record.type === 'OPT');
  const question = query.questions?.[0];
  if (query.questions?.length !== 1 || options.length > 1 || question === undefined) return formatError(raw);
  const opt = options[0];
  const ecsData = opt?.options?.find((option) => option.code === ECS_OPTION_CODE)?.data;
  const subnet = ecsData === undefined ? undefined : parseClientSubnet(ecsData);
  if (typeof subnet === 'string') return formatError(raw);
  const base = {
    id: query.id,
    type: 'response' as const,
    // RD is echoed (RA stays clear: weir never recurses); the opcode comes back as asked.
    flags: (query.flags ?? 0) & (OPCODE_BITS | dnsPacket.RECURSION_DESIRED),
    questions: [question],
    answers: [] as Answer[],
    authorities: [] as Answer[],
  };
  const edns = (extendedRcode = 0, ecsScope?: number): Answer[] =>
    opt === undefined
      ? []
      : [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: EDNS_BUFFER,
            extendedRcode,
            ednsVersion: 0,
            // DO is echoed as RFC 3225 asks; nothing is signed.
            flags: (opt.flags ?? 0) & dnsPacket.DNSSEC_OK,
            flag_do: opt.flag_do,
            options:
              subnet === undefined || ecsScope === undefined
                ? []
                : // dns-packet writes an option's `data` as it is; its types only know the parsed form.
                  [{ code: ECS_OPTION_CODE, data: clientSubnetReply(subnet, ecsScope) } as unknown as PacketOpt],
          },
        ];
  if (((query.flags ?? 0) & OPCODE_BITS) !== 0)
    return dnsPacket.encode({ ...base, flags: base.flags | RCODES.NOTIMP, additionals: edns() });
  if ((opt?.ednsVersion ?? 0) > 0) return dnsPacket.encode({ ...base, additionals: edns(BADVERS_EXTENDED) });
  const result = answer(question, authority, clientKey(subnet, peer));
  const flags = base.flags | RCODES[result.rcode] | (result.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0);
  // RFC 7871: an ECS query gets ECS back, its scope the prefix the answer was chosen by (0: any client).
  const scope = result.clientSpecific ? (subnet?.sourcePrefixLength ?? 0) : 0;
  const limit = transport === 'tcp' ? TCP_LIMIT : udpLimit(opt);
  const wire =
    prepared(raw, result, flags, edns(0, scope)) ??
    dnsPacket.encode({ ...base, flags, ...result, additionals: [...result.additionals, ...edns(0, scope)] } as Packet);
  if (wire.length <= limit) return wire;
  // Too large: the question alone with TC set, so the client asks again over TCP.
  return dnsPacket.encode({ ...base, flags: flags | dnsPacket.TRUNCATED_RESPONSE, additionals: edns(0, scope) });
}

/**
 * The response put together from the query's own header and question and the answer's prepared records, without
 * encoding them again; undefined when the answer has none prepared or the question is not laid out plainly.
 */
function prepared(raw: Buffer, result: ZoneAnswer, flags: number, opt: Answer[]): Buffer | undefined {
  if (result.wire === undefined || result.authorities.length > 0 || result.additionals.length > 0) return undefined;
  const questionEnd = plainQuestionEnd(raw);
  if (questionEnd === undefined) return undefined;
  const optWire = opt.length === 0 ? undefined : encodeRecord(opt[0]!);
  const head = Buffer.allocUnsafe(questionEnd);
  raw.copy(head, 0, 0, questionEnd);
  head.writeUInt16BE(flags | (QR << 8), 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(result.wire.length, 6);
  head.writeUInt16BE(0, 8);
  head.writeUInt16BE(optWire === undefined ? 0 : 1, 10);
  const parts = [head, ...result.wire];
  if (optWire !== undefined) parts.push(optWire);
  return Buffer.concat(parts);
}

/** Where the first question ends, when its name is plain labels (no compression pointer) and it fits the message. */
function plainQuestionEnd(raw: Buffer): number | undefined {
  let offset = HEADER_BYTES;
  while (offset < raw.length) {
    const length = raw[offset]!;
    if (length === 0) return offset + 5 <= raw.length ? offset + 5 : undefined;
    if (length > 63) return undefined;
    offset += 1 + length;
  }
  return undefined;
}

/** The largest UDP response the client takes: 512 without EDNS0, its buffer with it, never more than ours. */
function udpLimit(opt: OptAnswer | undefined): number {
  if (opt === undefined) return CLASSIC_UDP_LIMIT;
  return Math.min(Math.max(opt.udpPayloadSize ?? CLASSIC_UDP_LIMIT, CLASSIC_UDP_LIMIT), EDNS_BUFFER);
}

/** FORMERR built from the raw header alone, the message being beyond parsing: its id and opcode, when it has them. */
function formatError(raw: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  if (raw.length >= 2) raw.copy(header, 0, 0, 2);
  header[2] = QR | (raw.length > 2 ? raw[2]! & OPCODE_AND_RD : 0);
  header[3] = RCODES.FORMERR;
  return header;
}
