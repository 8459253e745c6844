/**
 * Re-encryption to members (`tls_enabled` pools) on real sockets: weir's proxy engine takes a spec whose pool
 * carries the key material directly, members are TLS servers with certificates from a throwaway CA.
 */

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { connect, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import type { LocalProxyEngine } from '../../../src/dataplanes/proxy/local-proxy-engine.ts';
import { temporaryDirectory } from '../../../src/health/testing/test-servers.ts';
import type { ListenerProtocol, PoolProtocol } from '../../../src/model/constants.ts';
import type { LoadBalancerSpec, MemberSpec, PoolSpec } from '../../../src/model/load-balancer-spec.ts';
import { member, spec } from '../../support/kernel-spec.ts';
import { type IssuedCertificate, TestCa } from '../../support/test-pki.ts';
import { Harness } from '../api/harness.ts';
import { waitFor } from './support/line-servers.ts';
import { localTestEngine } from './support/local-engine.ts';
import {
  type NegotiatedFacts,
  startHttpsMember,
  startProxiedTlsEchoMember,
  startTlsEchoMember,
  type TlsMember,
} from './support/tls-members.ts';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

const memberOf = (server: TlsMember): MemberSpec => member(server.name, server.address, { port: server.port });

function tlsSpec(
  protocol: ListenerProtocol,
  port: number,
  members: MemberSpec[],
  tls: Partial<PoolSpec['tls']>,
  poolProtocol: PoolProtocol = protocol === 'TCP' ? 'TCP' : 'HTTP',
): LoadBalancerSpec {
  const base = spec(members, { protocol: poolProtocol });
  const pool = base.pools[0]!;
  return {
    ...base,
    id: `lb-${port}`,
    provider: 'proxy',
    vip: { address: '127.0.0.1', subnetId: 's', interface: null },
    listeners: [{ ...base.listeners[0]!, id: `listener-${port}`, protocol, port }],
    pools: [{ ...pool, tls: { ...pool.tls, enabled: true, ...tls } }],
  };
}

/** The spec of tlsSpec with a listener terminating TLS, serving `certificate`, in front of the TLS pool. */
function terminatedSpec(
  protocol: 'TERMINATED_HTTPS' | 'TERMINATED_TLS',
  port: number,
  members: MemberSpec[],
  tls: Partial<PoolSpec['tls']>,
  certificate: IssuedCertificate,
): LoadBalancerSpec {
  const base = tlsSpec(protocol, port, members, tls, protocol === 'TERMINATED_TLS' ? 'TCP' : 'HTTP');
  const listener = base.listeners[0]!;
  const certificates = [{ certificateChainPem: certificate.chainPem, privateKeyPem: certificate.keyPem }];
  return { ...base, listeners: [{ ...listener, tls: { ...listener.tls, defaultContainerRef: 'ref', certificates } }] };
}

/** GETs `/` `count` times over one keep-alive client connection; the statuses and the members' reports. */
async function get(
  port: number,
  count = 1,
  path = '/',
  host = '127.0.0.1',
): Promise<{ status: number; body: string }[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const answers: { status: number; body: string }[] = [];
    for (let i = 0; i < count; i++) {
      const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        request({ host, port, path, agent }, resolve).on('error', reject).end();
      });
      let body = '';
      for await (const chunk of response) body += chunk;
      answers.push({ status: response.statusCode ?? 0, body });
    }
    return answers;
  } finally {
    agent.destroy();
  }
}

/**
 * Sends `bytes` on a new connection and reads until the proxy closes it. Over TLS with `tls`, asking for its
 * `servername` (without one a client connecting to an IP address sends none).
 */
async function rawExchange(port: number, bytes: string, tls?: { servername?: string }): Promise<string> {
  const socket =
    tls === undefined
      ? connect({ host: '127.0.0.1', port })
      : tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...tls });
  socket.on('error', () => {});
  socket.setEncoding('utf8');
  let text = '';
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.write(bytes);
  await once(socket, 'close');
  return text;
}

/** Sends a line through a TCP listener; what came back once the member echoed it (its facts line first). */
async function echoThrough(port: number, line: string): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.write(`${line}\n`);
  await waitFor('the echo', 5_000, async () => received.includes(line));
  socket.destroy();
  return received;
}

/** Runs `body` with console.error captured, where the proxy says which member it took out and why; the lines. */
async function loggedErrors(body: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (line: string) => lines.push(line);
  try {
    await body();
  } finally {
    console.error = original;
  }
  return lines;
}

const negotiated = (body: string): NegotiatedFacts => JSON.parse(body) as NegotiatedFacts;

describe('proxy: TLS to members', () => {
  let directory: { path: string; remove: () => void };
  let ca: TestCa;
  let otherCa: TestCa;
  let engine: LocalProxyEngine;
  const servers: TlsMember[] = [];
  const serverCert = (cn: string, authority = ca): IssuedCertificate => authority.issue({ commonName: cn });

  before(async () => {
    directory = temporaryDirectory();
    ca = TestCa.create(directory.path, 'member ca');
    otherCa = TestCa.create(directory.path, 'other ca');
    engine = localTestEngine(false);
  });
  after(async () => {
    await engine.close();
    await Promise.all(servers.map((s) => s.close()));
    directory.remove();
  });

  const https = async (address: string, certificate: IssuedCertificate, extra = {}, options = {}) => {
    const server = await startHttpsMember(
      address,
      // The leaf alone: a member's CA is what weir must hold, not what the member sends.
      { cert: certificate.certPem, key: certificate.keyPem, ...extra },
      options,
    );
    servers.push(server);
    return server;
  };

  test('a member whose certificate chains to the pool CA is verified and used; keep-alive keeps one handshake', async () => {
    const server = await https('127.0.0.31', serverCert('member-31'));
    const port = await freePort();
    await engine.apply(tlsSpec('HTTP', port, [memberOf(server)], { caPem: ca.certPem }));
    const answers = await get(port, 5);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200],
    );
    const first = negotiated(answers[0]!.body);
    assert.equal(first.member, server.name);
    assert.equal(first.protocol, 'TLSv1.3');
    // Members are addressed by IP: no server name goes out, as the amphora on a plain listener.
    assert.equal(first.servername, false);
    assert.equal(first.clientCn, null);
    assert.equal(server.handshakes, 1);
  });

  test('a member with a certificate from another CA is a member error: the next member takes the request', async () => {
    const bad = await https('127.0.0.32', serverCert('member-32', otherCa));
    const good = await https('127.0.0.33', serverCert('member-33'));
    const port = await freePort();
    const errors = await loggedErrors(async () => {
      await engine.apply(tlsSpec('HTTP', port, [memberOf(bad), memberOf(good)], { caPem: ca.certPem }));
      const answers = await get(port, 4);
      for (const answer of answers) {
        assert.equal(answer.status, 200);
        assert.equal(negotiated(answer.body).member, good.name);
      }
    });
    assert.equal(errors.length, 1);
    assert.match(
      errors[0]!,
      /member tls-member-127\.0\.0\.32 .* out for 2 s: certificate verify failed: unable to verify the first certificate/,
    );
  });

  test('when every member fails verification the client gets an error status and nothing of any member', async () => {
    const bad = await https('127.0.0.34', serverCert('member-34', otherCa));
    const port = await freePort();
    await loggedErrors(async () => {
      await engine.apply(tlsSpec('HTTP', port, [memberOf(bad)], { caPem: ca.certPem }));
      const [answer] = await get(port);
      assert.equal(answer!.status, 502);
      assert.equal(answer!.body, 'Bad Gateway\n');
      assert.equal(bad.handshakes, 0);
    });
  });

  test('a revoked member certificate is refused when the pool has a CRL', async () => {
    const revoked = serverCert('member-35');
    ca.revoke(revoked);
    const bad = await https('127.0.0.35', revoked);
    const good = await https('127.0.0.36', serverCert('member-36'));
    const port = await freePort();
    const errors = await loggedErrors(async () => {
      await engine.apply(
        tlsSpec('HTTP', port, [memberOf(bad), memberOf(good)], { caPem: ca.certPem, crlPem: ca.crlPem() }),
      );
      for (const answer of await get(port, 3)) assert.equal(negotiated(answer.body).member, good.name);
    });
    assert.match(errors.join('\n'), /certificate verify failed: certificate revoked/);
  });

  test('without a CA the member is encrypted to but not verified', async () => {
    const server = await https('127.0.0.37', serverCert('member-37', otherCa));
    const port = await freePort();
    await engine.apply(tlsSpec('HTTP', port, [memberOf(server)], {}));
    const [answer] = await get(port);
    assert.equal(answer!.status, 200);
    assert.equal(negotiated(answer!.body).protocol, 'TLSv1.3');
  });

  test('mutual TLS: the member requires weir client certificate and sees its CN', async () => {
    const client = ca.issue({ commonName: 'weir-proxy', usage: 'client' });
    const server = await https('127.0.0.38', serverCert('member-38'), {
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const port = await freePort();
    await engine.apply(
      tlsSpec('HTTP', port, [memberOf(server)], {
        caPem: ca.certPem,
        clientCertificate: { certificateChainPem: client.chainPem, privateKeyPem: client.keyPem },
      }),
    );
    const [answer] = await get(port);
    assert.equal(answer!.status, 200);
    assert.equal(negotiated(answer!.body).clientCn, 'weir-proxy');
  });

  test('versions, ciphers and ALPN are offered as configured; h2 is not offered to an HTTP pool', async () => {
    const server = await https('127.0.0.39', serverCert('member-39'), { ALPNProtocols: ['h2', 'http/1.1'] });
    const port = await freePort();
    await engine.apply(
      tlsSpec('HTTP', port, [memberOf(server)], {
        caPem: ca.certPem,
        versions: ['TLSv1.2'],
        ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
        alpnProtocols: ['h2', 'http/1.1'],
      }),
    );
    const facts = negotiated((await get(port))[0]!.body);
    assert.equal(facts.protocol, 'TLSv1.2');
    assert.equal(facts.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
    assert.equal(facts.alpn, 'http/1.1');
  });

  test('a TLS 1.2 cipher list leaves TLS 1.3 to its own suites, as HAProxy ciphers does', async () => {
    const server = await https('127.0.0.40', serverCert('member-40'));
    const port = await freePort();
    await engine.apply(tlsSpec('HTTP', port, [memberOf(server)], { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }));
    assert.equal(negotiated((await get(port))[0]!.body).protocol, 'TLSv1.3');
  });

  test('new connections to a member resume its TLS session', async () => {
    const server = await https('127.0.0.41', serverCert('member-41'), {}, { closeEach: true });
    const port = await freePort();
    await engine.apply(tlsSpec('HTTP', port, [memberOf(server)], { caPem: ca.certPem }));
    const resumed = (await get(port, 3)).map((a) => negotiated(a.body).resumed);
    assert.deepEqual(resumed, [false, true, true]);
    assert.equal(server.handshakes, 3);
  });

  test('the general path re-encrypts too, keeps its TLS connections alive, and repeats a body-less request on the next member', async () => {
    const bad = await https('127.0.0.42', serverCert('member-42', otherCa));
    const good = await https('127.0.0.43', serverCert('member-43'));
    const port = await freePort();
    await loggedErrors(async () => {
      await engine.apply(tlsSpec('HTTP', port, [memberOf(bad), memberOf(good)], { caPem: ca.certPem }));
      // HTTP/1.0 takes the general path; round robin sends the first request to the member that fails verification.
      const answer = await rawExchange(port, 'GET / HTTP/1.0\r\nhost: x\r\n\r\n');
      assert.match(answer, /^HTTP\/1\.1 200 /);
      assert.equal(negotiated(answer.slice(answer.indexOf('\r\n\r\n') + 4)).member, good.name);
      const chunked = await rawExchange(
        port,
        'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n4\r\nbody\r\n0\r\n\r\n',
      );
      assert.match(chunked, /^HTTP\/1\.1 200 /);
      assert.match(chunked, /"member":"tls-member-127\.0\.0\.43"/);
      // The general path's keep-alive agent reused the TLS connection of the first request.
      assert.equal(good.handshakes, 1);
    });
  });

  test('an upgraded connection (WebSocket) goes to the member over TLS too', async () => {
    const server = await https('127.0.0.48', serverCert('member-48'));
    const port = await freePort();
    await engine.apply(tlsSpec('HTTP', port, [memberOf(server)], { caPem: ca.certPem }));
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.write('GET /chat HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: echo\r\n\r\n');
    await waitFor("the member's line", 5_000, async () => received.includes('}\n'));
    socket.write('through the tunnel');
    await waitFor('the echo', 5_000, async () => received.includes('through the tunnel'));
    socket.destroy();
    assert.match(received, /^HTTP\/1\.1 101 /);
    const line = received.slice(received.indexOf('\r\n\r\n') + 4).split('\n')[0]!;
    assert.equal(negotiated(line).protocol, 'TLSv1.3');
    assert.ok(received.endsWith('through the tunnel'));
  });

  test('a TCP listener relays to a TLS member, with weir client certificate and h2 offered', async () => {
    const client = ca.issue({ commonName: 'weir-relay', usage: 'client' });
    const certificate = serverCert('member-44');
    const server = await startTlsEchoMember('127.0.0.44', {
      cert: certificate.chainPem,
      key: certificate.keyPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    servers.push(server);
    const port = await freePort();
    await engine.apply(
      tlsSpec('TCP', port, [memberOf(server)], {
        caPem: ca.certPem,
        clientCertificate: { certificateChainPem: client.chainPem, privateKeyPem: client.keyPem },
        alpnProtocols: ['h2', 'http/1.1'],
      }),
    );
    const received = await echoThrough(port, 'echo me');
    const [line, echo] = received.split('\n');
    // The client's bytes are relayed as they are, so h2 is the client's to speak.
    assert.deepEqual([negotiated(line!).clientCn, negotiated(line!).alpn], ['weir-relay', 'h2']);
    assert.equal(echo, 'echo me');
  });

  test('a PROXYV2 pool with TLS sends its header in clear, before the handshake', async () => {
    const certificate = serverCert('member-45');
    const server = await startProxiedTlsEchoMember('127.0.0.45', {
      cert: certificate.certPem,
      key: certificate.keyPem,
    });
    servers.push(server);
    const port = await freePort();
    await engine.apply(tlsSpec('TCP', port, [memberOf(server)], { caPem: ca.certPem }, 'PROXYV2'));
    const [line, echo] = (await echoThrough(port, 'proxied')).split('\n');
    assert.equal(negotiated(line!).protocol, 'TLSv1.3');
    assert.equal(echo, 'proxied');
    assert.equal((server.headers[0]!.source as { address: string }).address, '127.0.0.1');
  });

  describe("the client's server name, from a listener terminating TLS", () => {
    let front: IssuedCertificate;
    before(() => {
      front = ca.issue({ commonName: 'front', dnsNames: ['app.example', '*.app.example', 'other.example'] });
    });
    const named = (cn: string) => ca.issue({ commonName: cn, dnsNames: ['app.example', '*.app.example'] });
    const answerOf = (text: string) => negotiated(text.slice(text.indexOf('\r\n\r\n') + 4));
    // HTTP/1.0 takes the general path.
    const request = 'GET / HTTP/1.0\r\nhost: app.example\r\n\r\n';

    test('goes to the member, whose verified certificate must name it; a member connection serves one name', async () => {
      const server = await https('127.0.0.49', named('member-49'));
      const port = await freePort();
      await engine.apply(terminatedSpec('TERMINATED_HTTPS', port, [memberOf(server)], { caPem: ca.certPem }, front));
      for (const servername of ['app.example', 'www.app.example', undefined, 'app.example', 'www.app.example']) {
        const answer = await rawExchange(port, request, { servername });
        assert.match(answer, /^HTTP\/1\.1 200 /, servername);
        assert.equal(answerOf(answer).servername, servername ?? false);
      }
      // One kept-alive member connection per name, none shared between names.
      assert.equal(server.handshakes, 3);
      // A name the member's certificate lacks fails verification, as a certificate from another CA does.
      const errors = await loggedErrors(async () => {
        assert.match(await rawExchange(port, request, { servername: 'other.example' }), /^HTTP\/1\.1 502 /);
      });
      assert.match(errors.join('\n'), /certificate verify failed: the certificate does not name other\.example/);
    });

    test('is sent without a name check when the pool has no CA', async () => {
      const server = await https('127.0.0.50', serverCert('member-50', otherCa));
      const port = await freePort();
      await engine.apply(terminatedSpec('TERMINATED_HTTPS', port, [memberOf(server)], {}, front));
      const answer = await rawExchange(port, request, { servername: 'other.example' });
      assert.match(answer, /^HTTP\/1\.1 200 /);
      assert.equal(answerOf(answer).servername, 'other.example');
    });

    test('goes to the member of a TERMINATED_TLS listener', async () => {
      const certificate = named('member-51');
      const server = await startTlsEchoMember('127.0.0.51', { cert: certificate.chainPem, key: certificate.keyPem });
      servers.push(server);
      const port = await freePort();
      await engine.apply(terminatedSpec('TERMINATED_TLS', port, [memberOf(server)], { caPem: ca.certPem }, front));
      const [line, echo] = (await rawExchange(port, 'relayed\n', { servername: 'www.app.example' })).split('\n');
      assert.equal(negotiated(line!).servername, 'www.app.example');
      assert.equal(echo, 'relayed');
    });

    test('goes to the member for HTTP/2 streams', async () => {
      const server = await https('127.0.0.53', named('member-53'));
      const port = await freePort();
      const lb = terminatedSpec('TERMINATED_HTTPS', port, [memberOf(server)], { caPem: ca.certPem }, front);
      const listener = lb.listeners[0]!;
      await engine.apply({ ...lb, listeners: [{ ...listener, tls: { ...listener.tls, alpnProtocols: ['h2'] } }] });
      const session = http2Connect(`https://127.0.0.1:${port}`, {
        servername: 'www.app.example',
        rejectUnauthorized: false,
      });
      try {
        const stream = session.request({ ':path': '/', ':authority': 'www.app.example' });
        stream.setEncoding('utf8');
        let body = '';
        stream.on('data', (chunk: string) => {
          body += chunk;
        });
        await once(stream, 'end');
        assert.equal(negotiated(body).servername, 'www.app.example');
      } finally {
        session.close();
      }
    });

    test('goes to the member on the fast path too (keep-alive HTTP/1.1), each name on connections of its own', async () => {
      const server = await https('127.0.0.52', named('member-52'));
      const port = await freePort();
      await engine.apply(terminatedSpec('TERMINATED_HTTPS', port, [memberOf(server)], { caPem: ca.certPem }, front));
      for (const servername of ['app.example', 'www.app.example']) {
        const http11 = 'GET / HTTP/1.1\r\nhost: app.example\r\nconnection: close\r\n\r\n';
        const answer = await rawExchange(port, http11, { servername });
        assert.equal(answerOf(answer).servername, servername);
      }
    });
  });

  test('a new CA takes effect at once: idle member connections made under the old one are not reused', async () => {
    const server = await https('127.0.0.46', serverCert('member-46'));
    const port = await freePort();
    const trusting = tlsSpec('HTTP', port, [memberOf(server)], { caPem: ca.certPem });
    await engine.apply(trusting);
    assert.equal((await get(port))[0]!.status, 200);
    await loggedErrors(async () => {
      await engine.apply(tlsSpec('HTTP', port, [memberOf(server)], { caPem: otherCa.certPem }));
      assert.equal((await get(port))[0]!.status, 502);
    });
    assert.equal(server.handshakes, 1);
  });

  test('a member connection in use when the TLS settings change is closed when its exchange ends, not reused', async () => {
    const server = await https('127.0.0.47', serverCert('member-47'));
    const port = await freePort();
    await engine.apply(tlsSpec('HTTP', port, [memberOf(server)], { caPem: ca.certPem }));
    // A keep-alive request on the fast path whose body is still coming: its member connection stays in use. Its
    // length is given: a chunked body would take the general path, whose agents the change retires anyway.
    const client = connect({ host: '127.0.0.1', port });
    client.setEncoding('utf8');
    let received = '';
    client.on('data', (chunk: string) => {
      received += chunk;
    });
    client.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 4\r\n\r\nab');
    await waitFor('the member connection', 5_000, async () => server.handshakes === 1);
    // Other settings, still trusting the member: only what the connection was made under differs.
    await engine.apply(tlsSpec('HTTP', port, [memberOf(server)], { caPem: ca.certPem, versions: ['TLSv1.3'] }));
    client.write('cd');
    await waitFor('the first answer', 5_000, async () => received.includes('"member"'));
    client.write('GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    await once(client, 'close');
    assert.equal(received.match(/HTTP\/1\.1 200 /g)?.length, 2, received);
    assert.equal(server.handshakes, 2, 'the second request went on a connection made under the new settings');
  });
});

describe('proxy: TLS to members through the API', () => {
  test("a pool created with tls_enabled and Octavia's defaults carries requests to an HTTPS member", async () => {
    const directory = temporaryDirectory();
    const h = await Harness.start();
    const certificate = TestCa.create(directory.path, 'api member ca').issue({ commonName: 'member-47' });
    const server = await startHttpsMember('127.0.0.47', { cert: certificate.certPem, key: certificate.keyPem });
    try {
      const lb = await h.createLb({ provider: 'proxy' });
      const listener = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 7047 });
      const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', tls_enabled: true });
      await h.createMember(lb.id, pool.id, { address: server.address, protocol_port: server.port });
      const answers = await get(7047, 2, '/', lb.vip_address as string);
      const facts = negotiated(answers[1]!.body);
      assert.deepEqual([answers[1]!.status, facts.protocol, facts.alpn], [200, 'TLSv1.3', 'http/1.1']);
      assert.equal(server.handshakes, 1);
    } finally {
      await h.close();
      await server.close();
      directory.remove();
    }
  });
});
