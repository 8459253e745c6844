// ClientHellos as Node's TLS client really sends them, caught by a plain TCP server, and hand-built ones for each way
// a hello can be wrong. Property tests (seeded; a failure prints WEIR_FUZZ_SEED to replay) feed random and mutated
// bytes: the reader never throws, and an answer other than need-more never changes when more bytes follow.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { type ConnectionOptions, connect } from 'node:tls';
import { forCases, type SeededRandom } from '../../../test/support/seeded-random.ts';
import {
  CLIENT_HELLO_MAX_BYTES,
  type ClientHelloResult,
  readClientHello,
  serverNameAsRead,
  startOfClientHello,
} from './client-hello.ts';

const CAPTURE_TIMEOUT_MS = 5_000;
const STATUSES = new Set(['need-more', 'not-tls', 'malformed', 'ok']);

/** Whether `bytes` hold at least one whole TLS record, judged from its header alone. */
const firstRecordComplete = (bytes: Buffer) => bytes.length >= 5 && bytes.length >= 5 + bytes.readUInt16BE(3);

/**
 * The bytes a Node TLS client sends first, received by a plain TCP server that never answers; the client gives up
 * when the server hangs up after its first record.
 */
async function captureClientHello(options: ConnectionOptions): Promise<Buffer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let client: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no ClientHello within ${CAPTURE_TIMEOUT_MS} ms`)), CAPTURE_TIMEOUT_MS);
      server.on('connection', (socket) => {
        let received = Buffer.alloc(0);
        socket.on('error', () => {});
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          if (!firstRecordComplete(received)) return;
          socket.destroy();
          resolve(received);
        });
      });
      client = connect({ host: '127.0.0.1', port, ...options });
      client.on('error', () => {}); // the handshake never completes
    });
  } finally {
    clearTimeout(timer);
    client?.destroy();
    server.close();
  }
}

/** Captures once, on first use. */
function captured(options: ConnectionOptions): () => Promise<Buffer> {
  let hello: Promise<Buffer> | undefined;
  return () => {
    hello ??= captureClientHello(options);
    return hello;
  };
}

const namedHello = captured({ servername: 'App.Example.org', ALPNProtocols: ['h2', 'http/1.1'] });
const tls12Hello = captured({
  servername: 'App.Example.org',
  ALPNProtocols: ['h2', 'http/1.1'],
  maxVersion: 'TLSv1.2',
});
/** Node sends no SNI when connecting to an IP address without a servername. */
const bareHello = captured({});

const realHellos = () => Promise.all([namedHello(), tls12Hello(), bareHello()]);

const OK_NAMED = { status: 'ok', serverName: 'app.example.org', alpn: ['h2', 'http/1.1'] };
const OK_BARE = { status: 'ok', serverName: null, alpn: [] };

/** The handshake bytes of a hello that came in one record, as Node sends it. */
function handshakeOf(hello: Buffer): Buffer {
  assert.equal(hello[0], 22);
  return hello.subarray(5, 5 + hello.readUInt16BE(3));
}

/** Handshake bytes framed into records of `size()` bytes each (the last may be shorter). */
function reframe(message: Buffer, size: () => number, contentType = 22): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < message.length; ) {
    const fragment = message.subarray(at, at + size());
    parts.push(Buffer.from([contentType, 3, 1]), u16(fragment.length), fragment);
    at += fragment.length;
  }
  return Buffer.concat(parts);
}

// Builders for hand-made hellos.
const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const vector8 = (...parts: Buffer[]) => Buffer.concat([u8(Buffer.concat(parts).length), ...parts]);
const vector16 = (...parts: Buffer[]) => Buffer.concat([u16(Buffer.concat(parts).length), ...parts]);
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const extension = (type: number, ...data: Buffer[]) => Buffer.concat([u16(type), vector16(...data)]);
const serverName = (...names: string[]) =>
  extension(0, vector16(...names.map((name) => Buffer.concat([u8(0), vector16(latin1(name))]))));
const alpn = (...protocols: string[]) => extension(16, vector16(...protocols.map((p) => vector8(latin1(p)))));

/** A ClientHello body with an empty session id; `extensions: null` leaves the extensions block out. */
function helloBody(extensions: Buffer[] | null): Buffer {
  const fixed = [u16(0x0303), Buffer.alloc(32, 7), vector8(), vector16(u16(0x1301), u16(0xc02f)), vector8(u8(0))];
  return Buffer.concat(extensions === null ? fixed : [...fixed, vector16(...extensions)]);
}
/** Offsets in a helloBody: after version (2) and random (32), with an empty session id and two cipher suites. */
const SESSION_ID_LENGTH_AT = 34;
const SUITES_LENGTH_AT = 35;
const COMPRESSION_LENGTH_AT = 41;
const EXTENSIONS_LENGTH_AT = 43;

const handshake = (type: number, body: Buffer) => Buffer.concat([u8(type), u24(body.length), body]);
const inRecord = (message: Buffer) => reframe(message, () => 16384);
const hello = (extensions: Buffer[] | null) => inRecord(handshake(1, helloBody(extensions)));

function patched(bytes: Buffer, at: number, ...values: number[]): Buffer {
  const copy = Buffer.from(bytes);
  copy.set(values, at);
  return copy;
}

/** A hand-made (often patched) body, sent as a ClientHello in one record. */
const helloWithBody = (body: Buffer) => inRecord(handshake(1, body));

/** An answer other than need-more holds for every longer input: no prefix of `bytes` answers something else. */
function assertPrefixesAgree(bytes: Buffer, whole: ClientHelloResult = readClientHello(bytes)) {
  for (let length = 0; length < bytes.length; length++) {
    const answer = readClientHello(bytes.subarray(0, length));
    if (answer.status !== 'need-more') assert.deepEqual(answer, whole, `prefix of ${length} bytes`);
  }
}

function assertMalformed(bytes: Buffer, reason: RegExp) {
  const result = readClientHello(bytes);
  assert.equal(result.status, 'malformed', JSON.stringify(result));
  if (result.status === 'malformed') assert.match(result.reason, reason);
  assertPrefixesAgree(bytes, result);
}

describe('ClientHellos sent by Node', { timeout: 20_000 }, () => {
  test('gives the server name lower-cased and the ALPN protocols in order', async () => {
    assert.deepEqual(readClientHello(await namedHello()), OK_NAMED);
  });

  test('gives no server name and no protocols when the client sends neither', async () => {
    assert.deepEqual(readClientHello(await bareHello()), OK_BARE);
  });

  test('reads a TLS 1.2-only hello', async () => {
    const hello = await tls12Hello();
    assert.deepEqual(readClientHello(hello), OK_NAMED);
    // No supported_versions extension (43): the hello really is TLS 1.2-only.
    assert.equal(hello.includes(Buffer.from([0x00, 0x2b])), false);
  });

  test('every strict prefix needs more; bytes after the hello change nothing', async () => {
    for (const hello of await realHellos()) {
      const whole = readClientHello(hello);
      assert.equal(whole.status, 'ok');
      for (let length = 0; length < hello.length; length++)
        assert.deepEqual(readClientHello(hello.subarray(0, length)), { status: 'need-more' }, `${length} bytes`);
      const changeCipherSpec = Buffer.from([20, 3, 3, 0, 1, 1]);
      assert.deepEqual(readClientHello(Buffer.concat([hello, changeCipherSpec, Buffer.from('junk')])), whole);
    }
  });

  test('the same hello split into records of 100 bytes, or of 1 byte, gives the same answer', async () => {
    for (const hello of await realHellos()) {
      const whole = readClientHello(hello);
      for (const size of [100, 1]) {
        const split = reframe(handshakeOf(hello), () => size);
        assert.ok(split.length > hello.length + 5);
        assert.deepEqual(readClientHello(split), whole, `records of ${size}`);
        for (let length = 0; length < split.length; length++)
          assert.equal(readClientHello(split.subarray(0, length)).status, 'need-more', `${length} bytes`);
      }
    }
  });

  test('takes any Uint8Array, including a view into a larger buffer', async () => {
    const hello = await namedHello();
    const backing = new Uint8Array(hello.length + 20);
    backing.set(hello, 10);
    assert.deepEqual(readClientHello(backing.subarray(10)), OK_NAMED);
    assert.deepEqual(readClientHello(new Uint8Array(hello)), OK_NAMED);
  });
});

describe('reading a hello as it arrives', () => {
  /** `bytes` read one byte longer each time with one progress, until the answer is not need-more: that answer. */
  function readGrowing(bytes: Buffer, compareEach: boolean): ClientHelloResult {
    const progress = startOfClientHello();
    for (let length = 1; length < bytes.length; length++) {
      const prefix = bytes.subarray(0, length);
      const answer = readClientHello(prefix, progress);
      if (compareEach) assert.deepEqual(answer, readClientHello(prefix), `${length} bytes`);
      if (answer.status !== 'need-more') return answer;
    }
    return readClientHello(bytes, progress);
  }

  test('read again and again with its progress, a hello in records of any size gives the same answers', async () => {
    for (const hello of await realHellos()) {
      const whole = readClientHello(hello);
      for (const size of [16384, 100, 7, 1])
        assert.deepEqual(
          readGrowing(
            reframe(handshakeOf(hello), () => size),
            true,
          ),
          whole,
          `records of ${size}`,
        );
    }
    const wrongType = reframe(handshake(2, helloBody([])), () => 1);
    assert.deepEqual(readGrowing(wrongType, true), readClientHello(wrongType));
    // Refused at the cap, as a fresh read of it all refuses it (fresh reads of every prefix would take seconds).
    const outgrowing = reframe(handshake(1, helloBody([extension(21, Buffer.alloc(12_000))])), () => 1);
    const refused = readGrowing(outgrowing, false);
    assert.equal(refused.status, 'malformed');
    assert.deepEqual(refused, readClientHello(outgrowing));
  });

  test('a read with progress starts after the records already walked, not at the first byte', async () => {
    const split = reframe(handshakeOf(await namedHello()), () => 1);
    const progress = startOfClientHello();
    assert.equal(readClientHello(split.subarray(0, 600), progress).status, 'need-more');
    assert.ok(progress.recordAt > 500);
    // Walked already, the first record is not looked at again: a fresh read would stop at it.
    const changed = patched(split.subarray(0, 700), 0, 23);
    assert.equal(readClientHello(changed).status, 'not-tls');
    assert.equal(readClientHello(changed, progress).status, 'need-more');
  });
});

test('a server name OpenSSL read is taken as a peeked one: lower case, no trailing dot, visible ASCII or none', () => {
  assert.equal(serverNameAsRead('App.Example.'), 'app.example');
  assert.equal(serverNameAsRead('a.example'), 'a.example');
  for (const refused of [
    'a\r\nb.example',
    'a b',
    Buffer.from('ü.example').toString('latin1'),
    '.',
    '',
    false as const,
    undefined,
  ])
    assert.equal(serverNameAsRead(refused), null, JSON.stringify(refused));
});

describe('not TLS', () => {
  test('is decided from the first byte, or the version major in the second', () => {
    for (const text of ['GET / HTTP/1.1\r\n', 'SSH-2.0-OpenSSH_9.6\r\n', 'PROXY TCP4 ', '\x16\x00', '\x16\x02\x00'])
      assert.deepEqual(readClientHello(latin1(text)), { status: 'not-tls' }, JSON.stringify(text));
    assert.deepEqual(readClientHello(latin1('G')), { status: 'not-tls' });
  });

  test('an SSLv2-compatible hello is not TLS', () => {
    // Two-byte record length with the high bit set, then CLIENT-HELLO (1) and version 3.1.
    const sslv2 = Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10]);
    assert.deepEqual(readClientHello(sslv2), { status: 'not-tls' });
  });

  test('nothing, or only the handshake content type, needs more', () => {
    assert.deepEqual(readClientHello(new Uint8Array(0)), { status: 'need-more' });
    assert.deepEqual(readClientHello(u8(22)), { status: 'need-more' });
    assert.deepEqual(readClientHello(Buffer.from([22, 3])), { status: 'need-more' });
  });
});

describe('hand-built ClientHellos', () => {
  test('read when well formed', () => {
    const named = hello([serverName('WWW.Example.COM.'), alpn('h2', 'x\xff')]);
    assert.deepEqual(readClientHello(named), { status: 'ok', serverName: 'www.example.com', alpn: ['h2', 'x\xff'] });
    assertPrefixesAgree(named);
  });

  test('a hello without extensions, or with an empty extensions block, has no name and no protocols', () => {
    assert.deepEqual(readClientHello(hello(null)), OK_BARE);
    assert.deepEqual(readClientHello(hello([])), OK_BARE);
  });

  test('the first host_name entry is taken; entries of other name types are skipped', () => {
    const otherType = Buffer.concat([u8(7), vector16(latin1('ignored'))]);
    const entries = [
      otherType,
      ...['first.example', 'second.example'].map((n) => Buffer.concat([u8(0), vector16(latin1(n))])),
    ];
    const named = hello([extension(0, vector16(...entries))]);
    assert.deepEqual(readClientHello(named), { status: 'ok', serverName: 'first.example', alpn: [] });
    const nameless = hello([extension(0, vector16(otherType))]);
    assert.deepEqual(readClientHello(nameless), OK_BARE);
  });

  test('other extensions are skipped by length', () => {
    const extensions = [
      extension(0x0a0a),
      extension(43, u8(2), u16(0x0304)),
      serverName('a.b'),
      extension(21, Buffer.alloc(300)),
    ];
    assert.deepEqual(readClientHello(hello(extensions)), { status: 'ok', serverName: 'a.b', alpn: [] });
  });
});

describe('malformed', () => {
  test('a handshake message other than ClientHello', () => {
    assertMalformed(inRecord(handshake(2, helloBody([]))), /type 2, not ClientHello/);
  });

  test('records that are not handshake records, empty or too long, once the first was', () => {
    const message = handshake(1, helloBody([serverName('a.example')]));
    const split = reframe(message, () => 20);
    assertMalformed(patched(split, 25, 23), /content type 23/);
    assertMalformed(patched(split, 26, 2), /version major 2/);
    assertMalformed(Buffer.from([22, 3, 1, 0, 0]), /empty handshake record/);
    assertMalformed(Buffer.from([22, 3, 1, 0x40, 0x01]), /16385 bytes, more than 16384/);
  });

  test('lengths that overrun their parent', () => {
    const body = helloBody([serverName('a.example'), alpn('h2')]);
    assertMalformed(helloWithBody(patched(body, SESSION_ID_LENGTH_AT, 33)), /session id of 33/);
    assertMalformed(helloWithBody(patched(helloBody(null), SESSION_ID_LENGTH_AT, 32)), /session id runs past/);
    assertMalformed(helloWithBody(patched(body, SUITES_LENGTH_AT, 0xff, 0xfe)), /cipher suites run past/);
    assertMalformed(helloWithBody(patched(body, SUITES_LENGTH_AT, 0, 3)), /cipher suites of 3 bytes/);
    assertMalformed(helloWithBody(patched(body, COMPRESSION_LENGTH_AT, 0)), /empty compression methods/);
    assertMalformed(helloWithBody(patched(body, COMPRESSION_LENGTH_AT, 200)), /compression methods run past/);
    assertMalformed(helloWithBody(patched(body, EXTENSIONS_LENGTH_AT, 0x10, 0)), /extensions run past/);
    // The handshake length says the body is shorter than it is, or longer than the record.
    assertMalformed(inRecord(patched(handshake(1, body), 1, 0, 0, 40)), /shorter than the 41 minimum/);
    const stretched = Buffer.concat([inRecord(patched(handshake(1, body), 1, 0, 0x10, 0)), hello(null)]);
    const applicationData = Buffer.from([23, 3, 3, 0, 1, 0]);
    assertMalformed(Buffer.concat([stretched, applicationData]), /content type 23/);
  });

  test('lengths inside extensions that overrun or fall short', () => {
    const lying = Buffer.concat([u16(16), u16(100), Buffer.alloc(3)]);
    assertMalformed(hello([serverName('a.example'), lying]), /extension 16 runs past/);
    assertMalformed(hello([extension(0, u16(20), u8(0), vector16(latin1('a.example')))]), /list length does not match/);
    assertMalformed(hello([extension(0, u16(4), u8(0), u16(30), latin1('a'))]), /server name runs past/);
    assertMalformed(hello([extension(0, vector16())]), /empty server name list/);
    assertMalformed(hello([extension(0)]), /too short for its list length/);
    assertMalformed(hello([extension(16, vector16(u8(0)))]), /ALPN protocol list of 1 bytes/);
    assertMalformed(hello([extension(16, vector16(u8(2), latin1('h2'), u8(0)))]), /empty ALPN protocol name/);
    assertMalformed(hello([extension(16, vector16(u8(9), latin1('h2')))]), /runs past the end of its list/);
  });

  test('bytes left over after the extensions, or a lone byte where they would start', () => {
    assertMalformed(helloWithBody(Buffer.concat([helloBody([alpn('h2')]), u8(0)])), /1 stray bytes after the ext/);
    assertMalformed(helloWithBody(Buffer.concat([helloBody(null), u8(0)])), /1 stray byte after the compression/);
  });

  test('an extension type that appears twice', () => {
    assertMalformed(hello([serverName('a.example'), serverName('b.example')]), /extension 0 appears twice/);
    assertMalformed(hello([alpn('h2'), extension(21), alpn('h2')]), /extension 16 appears twice/);
  });

  test('host names that are empty or hold bytes outside visible ASCII', () => {
    assertMalformed(hello([serverName('a\x01b.example')]), /byte 0x01/);
    assertMalformed(hello([serverName('a b.example')]), /byte 0x20/);
    assertMalformed(hello([serverName('caf\xe9.example')]), /byte 0xe9/);
    assertMalformed(hello([serverName('')]), /empty host name/);
    assertMalformed(hello([serverName('.')]), /empty host name/);
  });
});

describe('the size cap', () => {
  test(`a hello that ends exactly at ${CLIENT_HELLO_MAX_BYTES} bytes is read; one byte more is refused`, () => {
    // Four full-size records: the cap less their headers is the handshake message, less its header the body.
    const bodyLength = CLIENT_HELLO_MAX_BYTES - 4 * 5 - 4;
    const base = helloBody([serverName('big.example'), extension(21)]);
    const padded = (extra: number) =>
      hello([serverName('big.example'), extension(21, Buffer.alloc(bodyLength - base.length + extra))]);
    const fits = padded(0);
    assert.equal(fits.length, CLIENT_HELLO_MAX_BYTES);
    assert.deepEqual(readClientHello(fits), { status: 'ok', serverName: 'big.example', alpn: [] });
    assert.equal(readClientHello(fits.subarray(0, CLIENT_HELLO_MAX_BYTES - 1)).status, 'need-more');
    // Refused from its first record on: the handshake length already says it cannot end in time.
    const over = padded(1);
    assertMalformed(over.subarray(0, 16384 + 5), /does not end within 65536 bytes/);
    assert.deepEqual(readClientHello(over), readClientHello(over.subarray(0, 9)));
  });

  test('a hello in tiny records that outgrows the cap is refused, never waited on past it', () => {
    const split = reframe(handshake(1, helloBody([extension(21, Buffer.alloc(12_000))])), () => 1);
    assert.ok(split.length > CLIENT_HELLO_MAX_BYTES);
    const atCap = readClientHello(split.subarray(0, CLIENT_HELLO_MAX_BYTES));
    assert.equal(atCap.status, 'malformed');
    assert.deepEqual(readClientHello(split), atCap);
  });

  test('a handshake length the cap cannot hold is refused from the handshake header', () => {
    assertMalformed(Buffer.from([22, 3, 1, 0x40, 0x00, 1, 0xff, 0xff, 0xff]), /does not end within/);
  });
});

describe('property tests', () => {
  /** One of the four answers; what a longer input answers holds for any prefix that does not need more. */
  function checkAnswer(random: SeededRandom, bytes: Buffer): ClientHelloResult {
    const whole = readClientHello(bytes);
    assert.ok(STATUSES.has(whole.status), JSON.stringify(whole));
    const prefix = readClientHello(bytes.subarray(0, random.int(0, bytes.length)));
    if (prefix.status !== 'need-more') assert.deepEqual(prefix, whole);
    if (whole.status === 'ok') {
      if (whole.serverName !== null) {
        assert.match(whole.serverName, /^[\x21-\x7e]+$/);
        assert.equal(whole.serverName, whole.serverName.toLowerCase());
        assert.equal(whole.serverName.endsWith('.'), false);
      }
      for (const protocol of whole.alpn)
        assert.ok(protocol.length > 0 && Buffer.from(protocol, 'latin1').toString('latin1') === protocol);
    }
    return whole;
  }

  test('random bytes, and bytes that begin like a hello, never make the reader throw', {
    timeout: 60_000,
  }, async () => {
    const real = await namedHello();
    forCases('random bytes', (random) => {
      const prefix = random.pick([
        Buffer.alloc(0),
        Buffer.from([22]),
        Buffer.from([22, 3, random.int(0, 4)]),
        Buffer.from([22, 3, 1, random.int(0, 1), random.int(0, 255), 1, 0, random.int(0, 1)]),
        real.subarray(0, random.int(0, real.length)),
      ]);
      checkAnswer(random, Buffer.concat([prefix, random.bytes(random.int(0, 400))]));
    });
  });

  test('mutated real hellos are read or refused, never thrown on', { timeout: 60_000 }, async () => {
    const messages = (await realHellos()).map(handshakeOf);
    forCases('mutations', (random) => {
      const message = random.pick(messages);
      let bytes = random.bool() ? reframe(message, () => 16384) : reframe(message, () => random.int(1, 300));
      for (let edits = random.int(1, 4); edits > 0; edits--) {
        const at = random.int(0, bytes.length - 1);
        switch (random.int(0, 3)) {
          case 0:
            bytes[at] = random.int(0, 255);
            break;
          case 1:
            bytes = Buffer.concat([bytes.subarray(0, at), random.bytes(random.int(1, 4)), bytes.subarray(at)]);
            break;
          case 2:
            bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + random.int(1, 4))]);
            break;
          default:
            bytes = bytes.subarray(0, at);
        }
      }
      checkAnswer(random, bytes);
    });
  });

  test('a real hello framed into records of any sizes gives the same answer', { timeout: 60_000 }, async () => {
    const hellos = await realHellos();
    const expected = hellos.map((hello) => readClientHello(hello));
    forCases('framing', (random) => {
      const which = random.int(0, hellos.length - 1);
      const largest = random.pick([1, 8, 64, 512, 16384]);
      const framed = reframe(handshakeOf(hellos[which]!), () => random.int(1, largest));
      assert.deepEqual(checkAnswer(random, framed), expected[which]);
    });
  });
});
