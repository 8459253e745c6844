import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket, { type OptAnswer, type Packet } from 'dns-packet';
import { exampleAuthority, MEDIUM_RECORDS } from '../../test/support/example-dns-authority.ts';
import { answerSet } from './answer-set.ts';
import { fastResponse } from './fast-response.ts';
import { EDNS_BUFFER, type Transport } from './message-limits.ts';
import type { PublishedRecords } from './published-records.ts';
import { fullResponse, respond } from './respond.ts';

interface Query {
  name?: string;
  type?: string;
  flags?: number;
  edns?: Partial<OptAnswer>;
}

function query({ name = 'www.lb.example.org', type = 'A', flags = dnsPacket.RECURSION_DESIRED, edns }: Query): Buffer {
  const packet = {
    id: 4242,
    type: 'query',
    flags,
    questions: [{ name, type, class: 'IN' }],
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 4096, ...edns }] : [],
  } as Packet;
  return dnsPacket.encode(packet);
}

const ask = (raw: Buffer, transport: Transport = 'udp') => {
  const wire = respond(raw, exampleAuthority(), transport);
  assert.ok(wire);
  return { wire, packet: dnsPacket.decode(wire) };
};
/** The rcode dns-packet decodes (its types leave it out). */
const rcodeOf = (packet: Packet) => (packet as unknown as { rcode: string }).rcode;
const optOf = (packet: Packet) => packet.additionals?.find((record): record is OptAnswer => record.type === 'OPT');

test('an answer: id and RD echoed, AA set, RA clear, no EDNS without EDNS in the query', () => {
  const { packet } = ask(query({}));
  assert.equal(packet.id, 4242);
  assert.equal(packet.type, 'response');
  assert.equal(rcodeOf(packet), 'NOERROR');
  assert.deepEqual([packet.flag_aa, packet.flag_rd, packet.flag_ra, packet.flag_tc], [true, true, false, false]);
  assert.equal(packet.answers?.length, 2);
  assert.equal(optOf(packet), undefined);
  assert.equal(ask(query({ flags: 0 })).packet.flag_rd, false);
});

test('EDNS0 is echoed with a 1232-byte buffer and the DO bit', () => {
  const opt = optOf(ask(query({ edns: { flags: dnsPacket.DNSSEC_OK } })).packet);
  assert.equal(opt?.udpPayloadSize, EDNS_BUFFER);
  assert.equal(opt?.ednsVersion, 0);
  assert.equal(opt?.extendedRcode, 0);
  assert.equal(opt?.flag_do, true);
  assert.equal(optOf(ask(query({ edns: {} })).packet)?.flag_do, false);
});

test('BADVERS for EDNS versions above 0: extended rcode 1 over a zero header rcode, no answers', () => {
  const { packet } = ask(query({ edns: { ednsVersion: 1 } }));
  assert.equal(rcodeOf(packet), 'NOERROR');
  assert.equal(optOf(packet)?.extendedRcode, 1);
  assert.equal(packet.answers?.length, 0);
  assert.equal(packet.questions?.[0]?.name, 'www.lb.example.org');
});

test('NOTIMP for opcodes other than QUERY, the opcode and question echoed', () => {
  const { packet } = ask(query({ flags: 2 << 11 }));
  assert.equal(rcodeOf(packet), 'NOTIMP');
  assert.equal((packet as unknown as { opcode: string }).opcode, 'STATUS');
  assert.equal(packet.questions?.length, 1);
});

test('FORMERR from the raw header for what does not parse, the id echoed when there is one', () => {
  const garbage = Buffer.concat([query({}).subarray(0, 14), Buffer.from([0xff, 0xff])]);
  const formErr = ask(garbage).packet;
  assert.deepEqual([formErr.id, rcodeOf(formErr), formErr.type], [4242, 'FORMERR', 'response']);
  assert.equal(formErr.flag_rd, true);
  const oneByte = ask(Buffer.from([0x12])).packet;
  assert.deepEqual([oneByte.id, rcodeOf(oneByte)], [0, 'FORMERR']);
  const twoQuestions = dnsPacket.encode({
    id: 7,
    type: 'query',
    questions: [
      { name: 'a.lb.example.org', type: 'A' },
      { name: 'b.lb.example.org', type: 'A' },
    ],
  });
  const ambiguous = ask(twoQuestions).packet;
  assert.deepEqual([ambiguous.id, rcodeOf(ambiguous)], [7, 'FORMERR']);
});

test('a response is never answered', () => {
  const response = dnsPacket.encode({ id: 1, type: 'response', questions: [{ name: 'lb.example.org', type: 'SOA' }] });
  assert.equal(respond(response, exampleAuthority(), 'udp'), undefined);
});

test('TC over UDP when the answer exceeds 512 bytes without EDNS or the buffer with it; whole over TCP', () => {
  const medium = { name: 'medium.lb.example.org' };
  const classic = ask(query(medium));
  assert.ok(classic.wire.length <= 512);
  assert.deepEqual([classic.packet.flag_tc, classic.packet.answers?.length], [true, 0]);
  assert.equal(classic.packet.questions?.[0]?.name, 'medium.lb.example.org');
  const small = ask(query({ ...medium, edns: { udpPayloadSize: 512 } })).packet;
  assert.equal(small.flag_tc, true);
  assert.equal(optOf(small)?.udpPayloadSize, EDNS_BUFFER);
  const edns = ask(query({ ...medium, edns: { udpPayloadSize: 4096 } }));
  assert.deepEqual([edns.packet.flag_tc, edns.packet.answers?.length], [false, MEDIUM_RECORDS]);
  const big = ask(query({ name: 'big.lb.example.org', edns: { udpPayloadSize: 4096 } }));
  assert.ok(big.wire.length <= EDNS_BUFFER);
  assert.equal(big.packet.flag_tc, true);
  const tcp = ask(query({ name: 'big.lb.example.org' }), 'tcp');
  assert.equal(tcp.packet.flag_tc, false);
  assert.ok(tcp.wire.length > EDNS_BUFFER);
});

test("the question's case comes back as asked (0x20)", () => {
  const { packet } = ask(query({ name: 'wWw.LB.eXample.ORG' }));
  assert.equal(packet.questions?.[0]?.name, 'wWw.LB.eXample.ORG');
  assert.equal(packet.answers?.[0]?.name, 'wWw.LB.eXample.ORG');
});

test('NXDOMAIN and REFUSED keep their rcodes and authority flags on the wire', () => {
  const nx = ask(query({ name: 'nope.lb.example.org' })).packet;
  assert.deepEqual([rcodeOf(nx), nx.flag_aa, nx.authorities?.[0]?.type], ['NXDOMAIN', true, 'SOA']);
  const refused = ask(query({ name: 'example.com' })).packet;
  assert.deepEqual([rcodeOf(refused), refused.flag_aa, refused.flag_ra], ['REFUSED', false, false]);
});

test('the fast path answers the common queries exactly as the full path does, and leaves it the rest', () => {
  const authority = exampleAuthority();
  const ecs = (ip: string, sourcePrefixLength: number) => ({ code: 8, family: 1, sourcePrefixLength, ip });
  const common: Query[] = [
    {},
    { name: 'WwW.lb.Example.ORG', flags: 0 },
    { type: 'AAAA' },
    { edns: {} },
    { edns: { flags: dnsPacket.DNSSEC_OK, udpPayloadSize: 1400 } },
    { edns: { options: [ecs('198.51.100.0', 24)] } as Partial<OptAnswer> },
    { edns: { options: [ecs('0.0.0.0', 0), { code: 10, data: Buffer.alloc(8) }] } as Partial<OptAnswer> },
    { name: '_http._tcp.www.lb.example.org', type: 'SRV' },
    { name: 'mail.lb.example.org', type: 'MX' },
    { name: 'txt.lb.example.org', type: 'TXT' },
    { name: 'nope.lb.example.org', edns: {} },
    { name: 'www.lb.example.org', type: 'MX' },
    { name: '_tcp.www.lb.example.org', type: 'CAA' },
    { name: 'lb.example.org', type: 'SOA', edns: { options: [ecs('198.51.100.0', 24)] } as Partial<OptAnswer> },
    { name: 'lb.example.org', type: 'NS' },
    { name: 'ns1.lb.example.org' },
  ];
  for (const transport of ['udp', 'tcp'] as const) {
    for (const asked of common) {
      const raw = query(asked);
      const fast = fastResponse(raw, authority, transport, '192.0.2.7');
      assert.ok(fast, `${JSON.stringify(asked)} over ${transport} takes the fast path`);
      const full = fullResponse(raw, authority, transport, '192.0.2.7');
      assert.deepEqual(dnsPacket.decode(fast), dnsPacket.decode(full!), JSON.stringify(asked));
      assert.ok(fast.length <= full!.length, 'owner names compressed');
    }
  }
  const others: Query[] = [
    { name: 'medium.lb.example.org' },
    { edns: { ednsVersion: 1 } },
    { flags: 2 << 11 },
    { edns: { options: [ecs('198.51.101.0', 23)] } as Partial<OptAnswer> },
    { type: 'ANY' },
    { name: 'example.com' },
  ];
  for (const asked of others) {
    assert.equal(fastResponse(query(asked), authority, 'udp', '192.0.2.7'), undefined, JSON.stringify(asked));
  }
  // Compressed, 40 A records fit 1232 bytes; the full path, which does not compress, would set TC.
  const medium = fastResponse(query({ name: 'medium.lb.example.org', edns: {} }), authority, 'udp', '');
  assert.equal(dnsPacket.decode(medium!).answers?.length, MEDIUM_RECORDS);
});

test('prepared zone answers follow the serial and the published records', () => {
  const base = exampleAuthority();
  let serial = 1;
  const authority = { ...base, serial: () => serial };
  const soa = () => {
    const answer = dnsPacket.decode(respond(query({ name: 'lb.example.org', type: 'SOA' }), authority, 'udp')!);
    const [record] = answer.answers ?? [];
    return (record as { data: { serial: number } }).data.serial;
  };
  assert.equal(soa(), 1);
  serial = 2;
  assert.equal(soa(), 2);
  const rcode = () => rcodeOf(dnsPacket.decode(respond(query({ name: 'new.lb.example.org' }), authority, 'udp')!));
  assert.equal(rcode(), 'NXDOMAIN');
  (base.prepared as PublishedRecords).publish('new.lb.example.org', {
    A: answerSet([{ name: '', type: 'A', ttl: 5, data: '192.0.2.99' }]),
  });
  assert.equal(rcode(), 'NOERROR');
});

test('zone transfers are refused; an opcode without a question (DSO) is NOTIMP; a name over 255 octets FORMERR', () => {
  assert.equal(rcodeOf(ask(query({ name: 'lb.example.org', type: 'AXFR' })).packet), 'REFUSED');
  assert.equal(rcodeOf(ask(query({ name: 'lb.example.org', type: 'IXFR' })).packet), 'REFUSED');
  const dso = Buffer.from([0x12, 0x34, 6 << 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(rcodeOf(ask(dso).packet), 'NOTIMP');
  const long = Buffer.concat([
    query({}).subarray(0, 12),
    ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([60]), Buffer.alloc(60, 0x61)])),
    Buffer.from([2, 0x6c, 0x62, 0, 0, 1, 0, 1]),
  ]);
  assert.equal(fastResponse(long, exampleAuthority(), 'udp', ''), undefined);
  assert.equal(rcodeOf(ask(long).packet), 'FORMERR');
});

test('weighted answers of a name with zone data of its own are still shuffled per query', () => {
  const authority = exampleAuthority();
  (authority.prepared as PublishedRecords).publish('lb.example.org', {
    A: answerSet(
      Array.from({ length: 10 }, (_, i) => ({ name: '', type: 'A', ttl: 5, data: `192.0.2.${i + 1}` }) as const),
      { order: 'weighted', limit: 3 },
    ),
  });
  const orders = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const reply = dnsPacket.decode(respond(query({ name: 'lb.example.org' }), authority, 'udp')!);
    orders.add(JSON.stringify(reply.answers?.map((r) => (r as { data: string }).data)));
  }
  assert.ok(orders.size > 10, `${orders.size} different answers in 50`);
});
