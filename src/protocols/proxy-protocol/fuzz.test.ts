// Property tests with a seeded generator of our own (no property-testing dependency): random and mutated bytes never
// make the decoder throw or stall, and random valid headers survive encode then decode unchanged. Each test is
// bounded in cases and in time; a failure prints the seed (replay with WEIR_FUZZ_SEED=<seed>).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forCases, type SeededRandom } from '../../../test/support/seeded-random.ts';
import { decodeProxyHeader } from './decode.ts';
import type { ProxyDecodeResult } from './decode-result.ts';
import { encodeProxyV1 } from './encode-v1.ts';
import { encodeProxyV2 } from './encode-v2.ts';
import type { IpEndpoint, ProxyHeaderInput, ProxyTlv, SslSubTlv } from './header.ts';
import { formatIpv4, formatIpv6 } from './ip-text.ts';
import { ProxyHeaderDecoder } from './stream-decoder.ts';
import { V2_SIGNATURE } from './wire.ts';

const STATUSES = new Set(['need-more', 'header', 'error']);

function ipv4(random: SeededRandom): string {
  return formatIpv4(random.bytes(4), 0);
}

/** Canonical IPv6 text, never IPv4-mapped (a mapped pair would rightly come back as IPv4). */
function ipv6(random: SeededRandom): string {
  const bytes = random.bytes(16);
  for (let i = 0; i < 16; i += 2) if (random.next() < 0.4) bytes.fill(0, i, i + 2);
  bytes[0] = bytes[0]! | 0x20;
  return formatIpv6(bytes, 0);
}

const endpoint = (random: SeededRandom, address: string): IpEndpoint => ({ address, port: random.int(0, 65535) });
const text = (random: SeededRandom, max: number) => random.bytes(random.int(0, max)).toString('base64').slice(0, max);

function sslSubTlv(random: SeededRandom): SslSubTlv {
  const type = random.pick(['version', 'cn', 'cipher', 'sig-alg', 'key-alg', 'raw'] as const);
  return type === 'raw'
    ? { type, code: random.int(0x26, 0xff), value: random.bytes(random.int(0, 8)) }
    : { type, value: text(random, 40) };
}

function tlv(random: SeededRandom): ProxyTlv {
  switch (random.int(0, 7)) {
    case 0:
      return { type: 'alpn', value: random.bytes(random.int(0, 12)).toString('latin1') };
    case 1:
      return { type: 'authority', value: `${text(random, 30)}.example` };
    case 2:
      return { type: 'unique-id', value: random.bytes(random.int(0, 128)) };
    case 3:
      return { type: 'noop', value: random.bytes(random.int(0, 16)) };
    case 4:
      return { type: 'netns', value: text(random, 20) };
    case 5:
      return {
        type: 'ssl',
        client: random.int(0, 255),
        verify: random.int(0, 0xffffffff),
        tlvs: Array.from({ length: random.int(0, 5) }, () => sslSubTlv(random)),
      };
    default:
      return {
        type: 'raw',
        code: random.pick([0x06, 0x10, 0xe0, 0xea, 0xee, 0xf0, 0xff]),
        value: random.bytes(random.int(0, 20)),
      };
  }
}

function validInput(random: SeededRandom): ProxyHeaderInput {
  const input: ProxyHeaderInput = { command: random.pick(['proxy', 'local'] as const) };
  switch (random.int(0, 3)) {
    case 0:
      input.source = endpoint(random, ipv4(random));
      input.destination = endpoint(random, ipv4(random));
      break;
    case 1:
      input.source = endpoint(random, ipv6(random));
      input.destination = endpoint(random, random.bool() ? ipv6(random) : `::ffff:${ipv4(random)}`);
      break;
    case 2:
      input.source = { path: text(random, 100) };
      input.destination = { path: text(random, 100) };
      break;
  }
  if (input.source !== undefined) input.transport = random.pick(['stream', 'dgram'] as const);
  input.tlvs = Array.from({ length: random.int(0, 6) }, () => tlv(random));
  input.crc32c = random.bool();
  return input;
}

/**
 * Feeds bytes to a stream decoder in random-sized chunks; returns its final answer, with `rest` extended by the
 * chunks not fed, as a reader would carry on.
 */
function feedInChunks(random: SeededRandom, bytes: Buffer): ProxyDecodeResult {
  const decoder = new ProxyHeaderDecoder();
  let at = 0;
  while (at < bytes.length) {
    const next = Math.min(bytes.length, at + random.int(1, 40));
    const result = decoder.push(bytes.subarray(at, next));
    at = next;
    if (result.status === 'header') return { ...result, rest: Buffer.concat([result.rest, bytes.subarray(at)]) };
    if (result.status === 'error') return result;
  }
  return decoder.end();
}

test('random bytes, and bytes that begin like a header, never make the decoder throw or stall', {
  timeout: 60_000,
}, () => {
  forCases('random bytes', (random) => {
    const prefix = random.pick([Buffer.alloc(0), Buffer.from('PROXY '), Buffer.from('PROXY TCP4 '), V2_SIGNATURE]);
    const bytes = Buffer.concat([prefix, random.bytes(random.int(0, 300))]);
    if (prefix === V2_SIGNATURE && bytes.length > 13 && random.bool()) bytes[12] = random.pick([0x20, 0x21]);
    const whole = decodeProxyHeader(bytes);
    assert.ok(STATUSES.has(whole.status));
    const chunked = feedInChunks(random, bytes);
    assert.ok(chunked.status === 'header' || chunked.status === 'error');
    // Chunking never changes the verdict.
    if (whole.status !== 'need-more') assert.deepEqual(chunked, whole);
  });
});

test('mutated valid headers are decoded or refused, never thrown on', { timeout: 60_000 }, () => {
  forCases('mutations', (random) => {
    const bytes = Buffer.from(encodeProxyV2(validInput(random)));
    for (let flips = random.int(1, 4); flips > 0; flips--) bytes[random.int(0, bytes.length - 1)] = random.int(0, 255);
    const cut = random.bool() ? bytes.subarray(0, random.int(0, bytes.length)) : bytes;
    const result = feedInChunks(random, cut);
    assert.ok(result.status === 'header' || result.status === 'error');
    // Whatever decodes, encodes and decodes again to the same header (not always the same bytes: invalid UTF-8
    // decodes to U+FFFD, and bytes after a Unix path's NUL are dropped).
    if (result.status === 'header' && result.header.version === 2) {
      const again = decodeProxyHeader(encodeProxyV2(result.header), { maxV2Length: 0xffff + 16 });
      assert.deepEqual(again.status === 'header' && again.header, result.header);
    }
  });
});

test('random valid v2 headers: decode gives back the input, encode gives back the bytes', { timeout: 60_000 }, () => {
  forCases('v2 identity', (random) => {
    const input = validInput(random);
    const bytes = encodeProxyV2(input);
    const result = feedInChunks(random, Buffer.concat([bytes, Buffer.from('payload')]));
    assert.equal(result.status, 'header', JSON.stringify(result));
    if (result.status !== 'header') return;
    const { header } = result;
    assert.equal(result.consumed, bytes.length);
    assert.equal(result.rest.toString(), 'payload');
    assert.deepEqual(
      [header.command, header.transport, header.source, header.destination, header.tlvs, header.crc32c],
      [input.command, input.transport, input.source, input.destination, input.tlvs, input.crc32c],
    );
    assert.deepEqual(encodeProxyV2(header), bytes);
  });
});

test('random valid v1 lines: decode gives back the input, encode gives back the bytes', { timeout: 60_000 }, () => {
  forCases('v1 identity', (random) => {
    const v6 = random.bool();
    const address = () => (v6 ? ipv6(random) : ipv4(random));
    const input =
      random.int(0, 9) === 0 ? {} : { source: endpoint(random, address()), destination: endpoint(random, address()) };
    const bytes = encodeProxyV1(input);
    assert.ok(bytes.length <= 107);
    const result = feedInChunks(random, bytes);
    assert.equal(result.status, 'header', JSON.stringify(result));
    if (result.status !== 'header') return;
    assert.deepEqual([result.header.source, result.header.destination], [input.source, input.destination]);
    assert.deepEqual(encodeProxyV1(result.header), bytes);
  });
});
