import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket, { type Packet } from 'dns-packet';
import { exampleAuthority } from '../../test/support/example-dns-authority.ts';
import { forCases, type SeededRandom } from '../../test/support/seeded-random.ts';
import { fastResponse } from './fast-response.ts';
import { fullResponse } from './respond.ts';

const NAMES = [
  'www.lb.example.org',
  'lb.example.org',
  'nope.lb.example.org',
  'ns1.lb.example.org',
  'mail.lb.example.org',
];
const TYPES = ['A', 'AAAA', 'SOA', 'NS', 'MX', 'TXT', 'SRV', 'CAA'];

/** A query weir's fast path could take: some name, type, case, EDNS0 buffer, DO and client subnet. */
function plausibleQuery(random: SeededRandom): Buffer {
  const name = [...random.pick(NAMES)].map((c) => (random.bool() ? c.toUpperCase() : c)).join('');
  const options = random.bool()
    ? [{ code: 8, family: 1, sourcePrefixLength: random.pick([0, 16, 24, 32]), ip: '198.51.100.0' }]
    : [];
  const packet = {
    id: random.int(0, 65535),
    type: 'query',
    flags: random.bool() ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name, type: random.pick(TYPES), class: 'IN' }],
    additionals: random.bool()
      ? [{ type: 'OPT', name: '.', udpPayloadSize: random.int(0, 4096), flags: random.bool() ? 0x8000 : 0, options }]
      : [],
  } as Packet;
  return dnsPacket.encode(packet);
}

/** The query damaged a little: bytes changed, cut short or extended. */
function damaged(random: SeededRandom, raw: Buffer): Buffer {
  const copy = Buffer.from(raw);
  for (let i = random.int(0, 3); i > 0; i--) copy[random.int(0, copy.length - 1)] = random.int(0, 255);
  if (random.int(0, 5) === 0) return copy.subarray(0, random.int(0, copy.length));
  if (random.int(0, 5) === 0) return Buffer.concat([copy, random.bytes(random.int(1, 8))]);
  return copy;
}

/**
 * The decoded message with names lower-cased: owners the fast path compresses into the question take its spelling,
 * which DNS's case-insensitive comparison treats as the same name (RFC 4343).
 */
const caseless = (wire: Buffer) =>
  JSON.parse(JSON.stringify(dnsPacket.decode(wire)), (key, value) =>
    key === 'name' && typeof value === 'string' ? value.toLowerCase() : value,
  );

test('whatever the fast path answers, the full path answers the same; neither throws on damaged queries', () => {
  const authority = exampleAuthority();
  let fast = 0;
  forCases('fast path against full path', (random) => {
    const plain = plausibleQuery(random);
    const raw = random.bool() ? plain : damaged(random, plain);
    const transport = random.bool() ? 'udp' : 'tcp';
    const full = fullResponse(raw, authority, transport, '192.0.2.7');
    const isResponse = raw.length > 2 && (raw[2]! & 0x80) !== 0;
    assert.equal(full === undefined, isResponse, `${raw.toString('hex')}: the full path answers every query`);
    const answer = fastResponse(raw, authority, transport, '192.0.2.7');
    if (full === undefined) assert.equal(answer, undefined, 'nor does the fast path answer a response');
    if (answer === undefined || full === undefined) {
      // No throw, and what it sends decodes (a FORMERR built from the header is 12 bytes of it).
      if (full !== undefined && full.length > 12) dnsPacket.decode(full);
      return;
    }
    fast++;
    assert.deepEqual(caseless(answer), caseless(full), raw.toString('hex'));
  });
  assert.ok(fast > 0, 'some cases took the fast path');
});
