/**
 * One DNS message in, one out: the protocol floor around `answer` (FORMERR, NOTIMP, BADVERS, EDNS0, truncation).
 * Undefined when nothing may be sent back (the message is itself a response).
 */
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Packet } from 'dns-packet';
import { type Authority, answer } from './answer.ts';

/** The EDNS0 buffer weir advertises and fills at most over UDP: no IP fragmentation on any usual path (DNS Flag Day 2020). */
export const EDNS_BUFFER = 1232;
/** The UDP limit of a client without EDNS0 (RFC 1035). */
export const CLASSIC_UDP_LIMIT = 512;
const TCP_LIMIT = 65535;

const RCODES = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
/** BADVERS (16): 0 in the header's four bits, 1 in the OPT record's extended rcode. */
const BADVERS_EXTENDED = 1;
const QR = 0x80;
const OPCODE_AND_RD = 0x79;
const OPCODE_BITS = 0x7800;

export type Transport = 'udp' | 'tcp';

export function respond(raw: Buffer, authority: Authority, transport: Transport): Buffer | undefined {
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
  const base = {
    id: query.id,
    type: 'response' as const,
    // RD is echoed (RA stays clear: weir never recurses); the opcode comes back as asked.
    flags: (query.flags ?? 0) & (OPCODE_BITS | dnsPacket.RECURSION_DESIRED),
    questions: [question],
    answers: [] as Answer[],
    authorities: [] as Answer[],
  };
  const edns = (extendedRcode = 0): Answer[] =>
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
            options: [],
          },
        ];
  if (((query.flags ?? 0) & OPCODE_BITS) !== 0)
    return dnsPacket.encode({ ...base, flags: base.flags | RCODES.NOTIMP, additionals: edns() });
  if ((opt?.ednsVersion ?? 0) > 0) return dnsPacket.encode({ ...base, additionals: edns(BADVERS_EXTENDED) });
  const result = answer(question, authority);
  const flags = base.flags | RCODES[result.rcode] | (result.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0);
  const full: Packet = { ...base, flags, ...result, additionals: [...result.additionals, ...edns()] };
  const limit = transport === 'tcp' ? TCP_LIMIT : udpLimit(opt);
  const wire = dnsPacket.encode(full);
  if (wire.length <= limit) return wire;
  // Too large: the question alone with TC set, so the client asks again over TCP.
  return dnsPacket.encode({ ...base, flags: flags | dnsPacket.TRUNCATED_RESPONSE, additionals: edns() });
}

/** The largest UDP response the client takes: 512 without EDNS0, its buffer with it, never more than ours. */
function udpLimit(opt: OptAnswer | undefined): number {
  if (opt === undefined) return CLASSIC_UDP_LIMIT;
  return Math.min(Math.max(opt.udpPayloadSize ?? CLASSIC_UDP_LIMIT, CLASSIC_UDP_LIMIT), EDNS_BUFFER);
}

/** FORMERR built from the raw header alone, the message being beyond parsing: its id and opcode, when it has them. */
function formatError(raw: Buffer): Buffer {
  const header = Buffer.alloc(12);
  if (raw.length >= 2) raw.copy(header, 0, 0, 2);
  header[2] = QR | (raw.length > 2 ? raw[2]! & OPCODE_AND_RD : 0);
  header[3] = RCODES.FORMERR;
  return header;
}
