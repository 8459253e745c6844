/**
 * One DNS message in, one out: the protocol floor around `answer` (FORMERR, NOTIMP, BADVERS, EDNS0 with Client
 * Subnet, truncation). Undefined when nothing may be sent back (the message is itself a response).
 */
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Packet, type PacketOpt } from 'dns-packet';
import { type Authority, answer } from './answer.ts';
import { clientKey, clientSubnetReply, ECS_OPTION_CODE, parseClientSubnet } from './client-subnet.ts';
import { hasPlainLabels } from './domain-name.ts';
import { fastResponse } from './fast-response.ts';
import { HEADER_BYTES, RCODES } from './message-header.ts';
import { CLASSIC_UDP_LIMIT, EDNS_BUFFER, responseLimit, type Transport } from './message-limits.ts';

/** BADVERS (16): 0 in the header's four bits, 1 in the OPT record's extended rcode. */
const BADVERS_EXTENDED = 1;
const QR = 0x80;
const OPCODE_AND_RD = 0x79;
const OPCODE_BITS = 0x7800;

/** `peer` is the address the query came from: sticky answers follow it when the query carries no client subnet. */
export function respond(raw: Buffer, authority: Authority, transport: Transport, peer = ''): Buffer | undefined {
  return fastResponse(raw, authority, transport, peer) ?? fullResponse(raw, authority, transport, peer);
}

/** Any message: decoded, answered and encoded through `dns-packet`. */
export function fullResponse(raw: Buffer, authority: Authority, transport: Transport, peer = ''): Buffer | undefined {
  if (raw.length > 2 && (raw[2]! & QR) !== 0) return undefined;
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(raw);
  } catch {
    return formatError(raw);
  }
  const options = (query.additionals ?? []).filter((record): record is OptAnswer => record.type === 'OPT');
  // Opcodes without a question (DSO, RFC 8490) are unknown here too: NOTIMP, not FORMERR.
  if (((query.flags ?? 0) & OPCODE_BITS) !== 0 && (query.questions?.length ?? 0) === 0) {
    const flags = ((query.flags ?? 0) & (OPCODE_BITS | dnsPacket.RECURSION_DESIRED)) | RCODES.NOTIMP;
    return dnsPacket.encode({ id: query.id, type: 'response', flags, questions: [] });
  }
  const question = query.questions?.[0];
  if (query.questions?.length !== 1 || options.length > 1 || question === undefined) return formatError(raw);
  // A name dns-packet cannot give back as it came (a dot or an unprintable octet in a label) is not echoed as another.
  if (!hasPlainLabels(raw, HEADER_BYTES)) return formatError(raw);
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
  const limit = responseLimit(transport, opt === undefined ? undefined : (opt.udpPayloadSize ?? CLASSIC_UDP_LIMIT));
  const wire = dnsPacket.encode({
    ...base,
    flags,
    ...result,
    additionals: [...result.additionals, ...edns(0, scope)],
  } as Packet);
  if (wire.length <= limit) return wire;
  // Too large: the question alone with TC set, so the client asks again over TCP.
  return dnsPacket.encode({ ...base, flags: flags | dnsPacket.TRUNCATED_RESPONSE, additionals: edns(0, scope) });
}

/** FORMERR built from the raw header alone, the message being beyond parsing: its id and opcode, when it has them. */
function formatError(raw: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  if (raw.length >= 2) raw.copy(header, 0, 0, 2);
  header[2] = QR | (raw.length > 2 ? raw[2]! & OPCODE_AND_RD : 0);
  header[3] = RCODES.FORMERR;
  return header;
}
