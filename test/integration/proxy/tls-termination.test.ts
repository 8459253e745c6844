/**
 * TLS termination on real loopback sockets: TERMINATED_HTTPS (SNI, versions, ciphers, ALPN, client certificates
 * and their X-SSL-* headers, forwarding headers saying https) and TERMINATED_TLS (bytes to TCP and PROXYV2 members,
 * with the SSL TLVs), certificates changed under open connections, in this process and in a worker process.
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import cluster from 'node:cluster';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { type ConnectionOptions, connect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { DEFAULT_DRIVER_SETTINGS } from '../../../src/dataplanes/driver.ts';
import type { ProxyEngine } from '../../../src/dataplanes/proxy/proxy-engine.ts';
import { ClusterProxyEngine } from '../../../src/dataplanes/proxy/workers/cluster-proxy-engine.ts';
import { INSERT_HEADERS_FOR_LISTENER } from '../../../src/model/compatibility.ts';
import type { ListenerSpec, LoadBalancerSpec, PoolSpec } from '../../../src/model/load-balancer-spec.ts';
import type { ProxyTlv } from '../../../src/protocols/proxy-protocol/header.ts';
import { ProxyHeaderDecoder } from '../../../src/protocols/proxy-protocol/stream-decoder.ts';
import {
  SSL_CLIENT_CERT_CONN,
  SSL_CLIENT_CERT_SESS,
  SSL_CLIENT_SSL,
} from '../../../src/protocols/proxy-protocol/wire.ts';
import { member, spec } from '../../support/kernel-spec.ts';
import { type IssuedCertificate, TestCa } from '../../support/test-pki.ts';
import { connectAndTalk, startLineServer } from './support/line-servers.ts';
import { localTestEngine } from './support/local-engine.ts';

const VIP = '127.0.0.1';
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createNetServer().listen(0, VIP);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An HTTP member that answers each request with the headers it received, as JSON pairs. */
async function headerEcho(): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(request.rawHeaders));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

type ListenerTls = ListenerSpec['tls'];

/** The plainest spec there is, whose listener and pool the builders below start from. */
const plain = spec([]);

function tlsOf(certificates: IssuedCertificate[], more: Partial<ListenerTls> = {}): ListenerTls {
  return {
    ...plain.listeners[0]!.tls,
    defaultContainerRef: 'ref',
    certificates: certificates.map((c) => ({ certificateChainPem: c.chainPem, privateKeyPem: c.keyPem })),
    ...more,
  };
}

function listenerSpec(
  id: string,
  protocol: ListenerSpec['protocol'],
  port: number,
  tls: ListenerTls,
  insertHeaders: Record<string, string> = {},
): ListenerSpec {
  const timeouts = { clientDataMs: 5_000, memberConnectMs: 2_000, memberDataMs: 5_000, tcpInspectMs: 0 };
  return { ...plain.listeners[0]!, id, protocol, port, defaultPoolId: `pool-${id}`, insertHeaders, timeouts, tls };
}

/** A pool of one member on loopback. */
function poolSpec(id: string, protocol: PoolSpec['protocol'], port: number): PoolSpec {
  return { ...plain.pools[0]!, id, protocol, members: [member(`${id}-m`, '127.0.0.1', { port })] };
}

function loadBalancer(id: string, listeners: ListenerSpec[], pools: PoolSpec[]): LoadBalancerSpec {
  const vip = { address: VIP, subnetId: 'local', interface: null };
  return { ...plain, id, name: id, provider: 'proxy', vip, listeners, pools };
}

/**
 * An HTTP member behind a PROXY v2 header: it answers each connection's first request with what the header said,
 * as JSON pairs (client, authority, ssl-cn, ssl-version), then closes.
 */
async function proxiedHttpMember(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createNetServer((socket) => {
    const decoder = new ProxyHeaderDecoder();
    socket.on('error', () => {});
    socket.on('data', function onData(chunk: Buffer) {
      const result = decoder.push(chunk);
      if (result.status === 'need-more') return;
      socket.removeListener('data', onData);
      if (result.status === 'error') return void socket.destroy();
      const { source, tlvs } = result.header;
      const ssl = tlvs.find((t) => t.type === 'ssl');
      const sub = (type: string) => (ssl?.type === 'ssl' ? ssl.tlvs.find((t) => t.type === type) : undefined);
      const pairs = [
        ...['client', (source as { address: string }).address],
        ...['authority', String(tlvs.find((t) => t.type === 'authority')?.value ?? '')],
        ...['ssl-cn', String(sub('cn')?.value ?? '')],
        ...['ssl-version', String(sub('version')?.value ?? '')],
      ];
      const body = JSON.stringify(pairs);
      socket.end(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Opens a TLS connection; resolves once the handshake is done, rejects when it fails. */
async function tlsConnect(port: number, options: ConnectionOptions = {}): Promise<TLSSocket> {
  const socket = connect({ host: VIP, port, rejectUnauthorized: false, ...options });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
  return socket;
}

/** One keep-alive GET on an open TLS connection; the member's echo of the headers it got, as a map. */
async function get(socket: TLSSocket, extra = ''): Promise<Map<string, string>> {
  socket.write(`GET / HTTP/1.1\r\nhost: app.example\r\n${extra}\r\n`);
  let text = '';
  for (;;) {
    const [chunk] = (await Promise.race([
      once(socket, 'data'),
      once(socket, 'close').then(() => {
        throw new Error(`closed after ${JSON.stringify(text)}`);
      }),
    ])) as [Buffer];
    text += chunk.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    const length = /content-length: (\d+)/i.exec(text)?.[1];
    if (end >= 0 && length !== undefined && text.length >= end + 4 + Number(length)) {
      const pairs = JSON.parse(text.slice(end + 4, end + 4 + Number(length))) as string[];
      const headers = new Map<string, string>();
      for (let i = 0; i < pairs.length; i += 2) headers.set(pairs[i]!.toLowerCase(), pairs[i + 1]!);
      return headers;
    }
  }
}

/** Sends a line through a TLS relay on a new connection; what came back once the line was echoed. */
async function line(port: number, options: ConnectionOptions): Promise<string> {
  const socket = await tlsConnect(port, options);
  socket.setEncoding('utf8');
  socket.write('hello\n');
  let text = '';
  while (!text.includes('hello\n')) text += (await once(socket, 'data'))[0];
  socket.destroy();
  return text;
}

/** Whether a connection with these options is refused: its handshake fails, or it is closed before an answer. */
async function refused(port: number, options: ConnectionOptions): Promise<boolean> {
  try {
    const socket = await tlsConnect(port, options);
    try {
      await get(socket);
      return false;
    } finally {
      socket.destroy();
    }
  } catch {
    return true;
  }
}

/**
 * A TLS 1.3 client that sends `data` the moment its own side of the handshake is done, before the server has read its
 * certificate (or its lack of one); resolves, once the connection is closed (at most after 10 s), with whether it got
 * to send.
 */
async function sendBeforeVerdict(port: number, data: string, options: ConnectionOptions = {}): Promise<boolean> {
  const socket = connect({ host: VIP, port, rejectUnauthorized: false, minVersion: 'TLSv1.3', ...options });
  let sent = false;
  socket.once('secureConnect', () => {
    sent = true;
    socket.write(data);
  });
  socket.on('error', () => {});
  socket.setTimeout(10_000, () => socket.destroy());
  socket.resume();
  // Not events.once, which rejects on the 'error' that a refusal brings.
  await new Promise((resolve) => socket.once('close', resolve));
  return sent;
}

const serialOf = (socket: TLSSocket) => socket.getPeerCertificate().serialNumber;
const hexSerial = (c: IssuedCertificate) => new X509Certificate(c.certPem).serialNumber;

for (const engineKind of ['in-process', 'worker'] as const) {
  describe(`TLS termination (${engineKind})`, () => {
    let dir: string;
    let ca: TestCa;
    let clientCa: TestCa;
    let engine: ProxyEngine;
    let echo: { server: Server; port: number };
    let main: IssuedCertificate;
    let other: IssuedCertificate;
    let wildcard: IssuedCertificate;
    let client: IssuedCertificate;
    let revoked: IssuedCertificate;
    let httpsPort: number;
    const closers: (() => Promise<void>)[] = [];
    /** Load balancers a test applied, removed after it whatever its outcome. */
    const applied = new Set<string>();
    const apply = (spec: LoadBalancerSpec) => {
      applied.add(spec.id);
      return engine.apply(spec);
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'weir-tls-'));
      ca = TestCa.create(dir, 'server ca');
      clientCa = TestCa.create(dir, 'client ca');
      main = ca.issue({ commonName: 'main.example', dnsNames: ['main.example'] });
      other = ca.issue({ commonName: 'other.example', dnsNames: ['other.example'], keyType: 'rsa' });
      wildcard = ca.issue({ commonName: 'wild', dnsNames: ['*.wild.example'] });
      client = clientCa.issue({ commonName: 'client one', usage: 'client', subject: { O: 'Example Org', OU: 'Ops' } });
      revoked = clientCa.issue({ commonName: 'client gone', usage: 'client' });
      clientCa.revoke(revoked);
      echo = await headerEcho();
      engine =
        engineKind === 'worker'
          ? new ClusterProxyEngine({ ...DEFAULT_DRIVER_SETTINGS, proxyWorkers: 1 }, randomBytes(32))
          : localTestEngine();
      httpsPort = await freePort();
    });

    afterEach(async () => {
      for (const id of applied) await engine.remove(id);
      applied.clear();
    });

    after(async () => {
      await engine.close();
      for (const close of closers) await close();
      echo.server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const httpsService = (id: string, tls: ListenerTls, headers: Record<string, string> = {}, port = httpsPort) =>
      apply(
        loadBalancer(
          id,
          [listenerSpec(id, 'TERMINATED_HTTPS', port, tls, headers)],
          [poolSpec(`pool-${id}`, 'HTTP', echo.port)],
        ),
      );

    test('the server name picks the certificate: exact, wildcard, and the default for an unknown or no name', async () => {
      await httpsService('sni', tlsOf([main, other, wildcard]));
      const seen = async (servername?: string) => {
        const socket = await tlsConnect(httpsPort, servername ? { servername } : {});
        const serial = serialOf(socket);
        socket.destroy();
        return serial;
      };
      assert.equal(await seen('other.example'), hexSerial(other));
      assert.equal(await seen('OTHER.example'), hexSerial(other));
      assert.equal(await seen('a.wild.example'), hexSerial(wildcard));
      assert.equal(await seen('a.b.wild.example'), hexSerial(main));
      assert.equal(await seen('unknown.example'), hexSerial(main));
      assert.equal(await seen(), hexSerial(main));
      // curl checks the chain against the test CA and the name against the certificate it was given.
      const { stdout } = await run('curl', [
        ...['-sS', '--cacert', ca.certFile, '--resolve', `other.example:${httpsPort}:${VIP}`],
        `https://other.example:${httpsPort}/`,
      ]);
      assert.match(stdout, /"host","other.example:\d+"/i);
    });

    test('requests are relayed with Forwarded proto=https and X-Forwarded-Proto/-Port, and ALPN follows the list', async () => {
      const headers = { Forwarded: 'true', 'X-Forwarded-Proto': 'true', 'X-Forwarded-Port': 'true' };
      await httpsService('fwd', tlsOf([main], { alpnProtocols: ['http/1.1'] }), headers);
      const socket = await tlsConnect(httpsPort, { ALPNProtocols: ['h2', 'http/1.1'] });
      assert.equal(socket.alpnProtocol, 'http/1.1');
      const seen = await get(socket, 'x-forwarded-proto: http\r\n');
      assert.equal(seen.get('x-forwarded-proto'), 'https');
      assert.equal(seen.get('x-forwarded-port'), String(httpsPort));
      assert.match(
        seen.get('forwarded')!,
        /^for="127\.0\.0\.1:\d+";proto=https;host=app\.example;by="127\.0\.0\.1:\d+"$/,
      );
      socket.destroy();
      // A client that speaks only h2, to a listener whose list lacks it, is told there is no protocol in common,
      // not served HTTP/1.1.
      assert.equal(await refused(httpsPort, { ALPNProtocols: ['h2'] }), true);
    });

    test('versions and ciphers outside the configuration are refused', async () => {
      await httpsService(
        'versions',
        tlsOf([main], { versions: ['TLSv1.2'], ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }),
      );
      assert.equal(await refused(httpsPort, { minVersion: 'TLSv1.3' }), true);
      assert.equal(await refused(httpsPort, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' }), true);
      const socket = await tlsConnect(httpsPort, { maxVersion: 'TLSv1.2' });
      assert.equal(socket.getProtocol(), 'TLSv1.2');
      assert.equal(socket.getCipher().name, 'ECDHE-ECDSA-AES128-GCM-SHA256');
      socket.destroy();
    });

    const certificateHeaders = Object.fromEntries(
      INSERT_HEADERS_FOR_LISTENER.TERMINATED_HTTPS.filter((k) => k.startsWith('X-SSL-')).map((k) => [k, 'true']),
    );

    test('MANDATORY: a verified client certificate is relayed in X-SSL-* headers; none, or a revoked one, is refused', async () => {
      const tls = tlsOf([main], {
        clientAuthentication: 'MANDATORY',
        clientCaPem: clientCa.certPem,
        clientCrlPem: clientCa.crlPem(),
      });
      await httpsService('mtls', tls, certificateHeaders);
      const socket = await tlsConnect(httpsPort, { cert: client.certPem, key: client.keyPem });
      const seen = await get(socket, 'x-ssl-client-cn: forged\r\nX-SSL-Anything: forged\r\n');
      const x509 = new X509Certificate(client.certPem);
      const asn1 = (text: string) => {
        const d = new Date(text);
        const p = (n: number) => String(n).padStart(2, '0');
        return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
      };
      assert.equal(seen.get('x-ssl-client-verify'), '0');
      assert.equal(seen.get('x-ssl-client-has-cert'), '1');
      assert.equal(seen.get('x-ssl-client-dn'), '/CN=client one/O=Example Org/OU=Ops');
      assert.equal(seen.get('x-ssl-client-cn'), 'client one');
      assert.equal(seen.get('x-ssl-issuer'), '/CN=client ca');
      assert.equal(seen.get('x-ssl-client-sha1'), x509.fingerprint.replaceAll(':', ''));
      assert.match(seen.get('x-ssl-client-sha1')!, /^[0-9A-F]{40}$/);
      assert.equal(seen.get('x-ssl-client-not-before'), asn1(x509.validFrom));
      assert.equal(seen.get('x-ssl-client-not-after'), asn1(x509.validTo));
      assert.equal(seen.has('x-ssl-anything'), false);
      // The same connection's next request carries the same values.
      assert.equal((await get(socket)).get('x-ssl-client-cn'), 'client one');
      socket.destroy();
      assert.equal(await refused(httpsPort, {}), true);
      assert.equal(await refused(httpsPort, { cert: revoked.certPem, key: revoked.keyPem }), true);
      const stranger = ca.issue({ commonName: 'stranger', usage: 'client' });
      assert.equal(await refused(httpsPort, { cert: stranger.certPem, key: stranger.keyPem }), true);
    });

    test('MANDATORY: what a client sends before the verdict on its certificate never reaches a member', async () => {
      const requests: string[] = [];
      const web = createServer((request, response) => {
        requests.push(request.url!);
        response.end(JSON.stringify(request.rawHeaders));
      });
      let relayed = '';
      const tcp = createNetServer((socket) => {
        socket.on('error', () => {});
        socket.on('data', (chunk: Buffer) => {
          relayed += chunk.toString('latin1');
          socket.write(chunk);
        });
      });
      for (const server of [web, tcp]) {
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
        closers.push(() => new Promise((resolve) => server.close(() => resolve())));
      }
      const portOf = (server: { address(): unknown }) => (server.address() as { port: number }).port;
      const tls = tlsOf([main], {
        clientAuthentication: 'MANDATORY',
        clientCaPem: clientCa.certPem,
        clientCrlPem: clientCa.crlPem(),
      });
      const tlsPort = await freePort();
      await apply(
        loadBalancer(
          'early',
          [
            listenerSpec('early-https', 'TERMINATED_HTTPS', httpsPort, tls),
            listenerSpec('early-tls', 'TERMINATED_TLS', tlsPort, tls),
          ],
          [poolSpec('pool-early-https', 'HTTP', portOf(web)), poolSpec('pool-early-tls', 'TCP', portOf(tcp))],
        ),
      );
      const stranger = ca.issue({ commonName: 'stranger', usage: 'client' });
      const refusedClients: [string, ConnectionOptions][] = [
        ['no certificate', {}],
        ['a certificate of another CA', { cert: stranger.certPem, key: stranger.keyPem }],
        ['a revoked certificate', { cert: revoked.certPem, key: revoked.keyPem }],
      ];
      for (const [what, options] of refusedClients) {
        const request = 'GET /before-verdict HTTP/1.1\r\nhost: app.example\r\n\r\n';
        assert.equal(await sendBeforeVerdict(httpsPort, request, options), true, `HTTPS, ${what}`);
        assert.equal(await sendBeforeVerdict(tlsPort, 'before verdict\n', options), true, `TLS, ${what}`);
      }
      // A client the listener accepts goes through afterwards: the members are reachable, and saw only it.
      const https = await tlsConnect(httpsPort, { cert: client.certPem, key: client.keyPem });
      assert.equal((await get(https)).get('host'), 'app.example');
      https.destroy();
      const relay = await tlsConnect(tlsPort, { cert: client.certPem, key: client.keyPem });
      relay.write('accepted\n');
      await once(relay, 'data');
      relay.destroy();
      assert.deepEqual(requests, ['/']);
      assert.equal(relayed, 'accepted\n');
    });

    test('OPTIONAL: no certificate is let through and reported; one that does not verify is refused', async () => {
      const tls = tlsOf([main], {
        clientAuthentication: 'OPTIONAL',
        clientCaPem: clientCa.certPem,
        clientCrlPem: clientCa.crlPem(),
      });
      await httpsService('optional', tls, certificateHeaders);
      const none = await tlsConnect(httpsPort);
      const bare = await get(none);
      assert.equal(bare.get('x-ssl-client-has-cert'), '0');
      assert.equal(bare.get('x-ssl-client-verify'), '0');
      assert.equal(bare.get('x-ssl-client-dn'), '');
      none.destroy();
      const known = await tlsConnect(httpsPort, { cert: client.certPem, key: client.keyPem });
      const seen = await get(known);
      assert.equal(seen.get('x-ssl-client-has-cert'), '1');
      assert.equal(seen.get('x-ssl-client-verify'), '0');
      assert.equal(seen.get('x-ssl-client-cn'), 'client one');
      known.destroy();
      // HAProxy's `verify optional` without crt-ignore-err, as the amphora renders it.
      assert.equal(await refused(httpsPort, { cert: revoked.certPem, key: revoked.keyPem }), true);
      const stranger = ca.issue({ commonName: 'stranger', usage: 'client' });
      assert.equal(await refused(httpsPort, { cert: stranger.certPem, key: stranger.keyPem }), true);
    });

    /**
     * Connects twice, the second time (to `then`, by default the same again) offering the session (ticket) the first
     * connection got, as a browser does; the member's view of each connection's first request, and whether the
     * second resumed (`after` null: it was refused).
     */
    async function resumption(
      port: number,
      options: ConnectionOptions,
      then: { port: number; options: ConnectionOptions } = { port, options },
    ): Promise<{ before: Map<string, string>; after: Map<string, string> | null; reused: boolean }> {
      const opening = await tlsConnect(port, options);
      const sessions: Buffer[] = [];
      opening.on('session', (session: Buffer) => sessions.push(session));
      // TLS 1.3 sends its tickets after the handshake: they have come once an answer has.
      const before = await get(opening);
      const session = sessions.at(-1) ?? opening.getSession();
      opening.destroy();
      assert.ok(session, 'the first connection got a session to resume');
      let again: TLSSocket;
      try {
        again = await tlsConnect(then.port, { ...then.options, session });
      } catch {
        return { before, after: null, reused: false };
      }
      try {
        const reused = again.isSessionReused();
        const after = await get(again).catch(() => null);
        return { before, after, reused };
      } finally {
        again.destroy();
      }
    }

    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      test(`${version}: a session resumes under NONE, OPTIONAL and MANDATORY, the client certificate still reported`, async () => {
        const pinned = { minVersion: version, maxVersion: version };
        const withCertificate = { ...pinned, cert: client.certPem, key: client.keyPem };
        for (const clientAuthentication of ['NONE', 'OPTIONAL', 'MANDATORY'] as const) {
          const tls = tlsOf([main], {
            clientAuthentication,
            clientCaPem: clientCa.certPem,
            clientCrlPem: clientCa.crlPem(),
          });
          await httpsService(`resume-${clientAuthentication}`, tls, certificateHeaders);
          const { before, after, reused } = await resumption(httpsPort, withCertificate);
          assert.equal(reused, true, clientAuthentication);
          const asked = clientAuthentication !== 'NONE';
          assert.equal(after?.get('x-ssl-client-has-cert'), asked ? '1' : '0', clientAuthentication);
          assert.equal(after?.get('x-ssl-client-verify'), '0', clientAuthentication);
          assert.equal(after?.get('x-ssl-client-cn'), asked ? 'client one' : '', clientAuthentication);
          for (const header of Object.keys(certificateHeaders)) {
            const name = header.toLowerCase();
            assert.equal(after?.get(name), before.get(name), `${clientAuthentication} ${header}`);
          }
          await engine.remove(`resume-${clientAuthentication}`);
        }
      });
    }

    test('a session made under a certificate that was since replaced is not resumed', async () => {
      for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
        const pinned: ConnectionOptions = { minVersion: version, maxVersion: version };
        await httpsService(`swap-${version}`, tlsOf([main]));
        const opening = await tlsConnect(httpsPort, pinned);
        const sessions: Buffer[] = [];
        opening.on('session', (session: Buffer) => sessions.push(session));
        await get(opening);
        const session = sessions.at(-1) ?? opening.getSession()!;
        opening.destroy();
        const same = await tlsConnect(httpsPort, { ...pinned, session });
        assert.equal(same.isSessionReused(), true, `${version}: the same certificate resumes`);
        same.destroy();
        await httpsService(`swap-${version}`, tlsOf([wildcard]));
        const replaced = await tlsConnect(httpsPort, { ...pinned, session });
        assert.equal(replaced.isSessionReused(), false, `${version}: a replaced certificate does not`);
        assert.equal(serialOf(replaced), hexSerial(wildcard));
        replaced.destroy();
        await engine.remove(`swap-${version}`);
      }
    });

    test('a session from one listener does not resume on a listener with other client authentication settings', async () => {
      const otherPort = await freePort();
      const trusting = (caPem: string) =>
        tlsOf([main], { clientAuthentication: 'OPTIONAL', clientCaPem: caPem, clientCrlPem: null });
      await apply(
        loadBalancer(
          'resume-across',
          [
            listenerSpec('first', 'TERMINATED_HTTPS', httpsPort, trusting(clientCa.certPem), certificateHeaders),
            listenerSpec('second', 'TERMINATED_HTTPS', otherPort, trusting(ca.certPem), certificateHeaders),
          ],
          [poolSpec('pool-first', 'HTTP', echo.port), poolSpec('pool-second', 'HTTP', echo.port)],
        ),
      );
      for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
        const pinned = { minVersion: version, maxVersion: version };
        const withCertificate = { ...pinned, cert: client.certPem, key: client.keyPem };
        assert.equal((await resumption(httpsPort, withCertificate)).reused, true, version);
        // Offered to the other listener, the session is not taken: the certificate it holds was checked against
        // another CA, and the connection goes on without one.
        const across = await resumption(httpsPort, withCertificate, { port: otherPort, options: pinned });
        assert.equal(across.reused, false, version);
        assert.equal(across.after?.get('x-ssl-client-has-cert'), '0', version);
      }
    });

    test('certificate names reach the member as their UTF-8 bytes, controls escaped, on both paths', async () => {
      const heads: string[] = [];
      const member = createNetServer((socket) => {
        let text = '';
        socket.on('error', () => {});
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1');
          for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
            heads.push(text.slice(0, end));
            text = text.slice(end + 4);
            socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
          }
        });
      });
      member.listen(0, '127.0.0.1');
      await once(member, 'listening');
      closers.push(() => new Promise((resolve) => member.close(() => resolve())));
      const namesCa = TestCa.create(dir, 'Zażółć CA');
      const tls = tlsOf([main], {
        clientAuthentication: 'MANDATORY',
        clientCaPem: namesCa.certPem,
        alpnProtocols: ['h2', 'http/1.1'],
      });
      const names = { 'X-SSL-Client-DN': 'true', 'X-SSL-Client-CN': 'true', 'X-SSL-Issuer': 'true' };
      const memberPort = (member.address() as { port: number }).port;
      await apply(
        loadBalancer(
          'names',
          [listenerSpec('names', 'TERMINATED_HTTPS', httpsPort, tls, names)],
          [poolSpec('pool-names', 'HTTP', memberPort)],
        ),
      );
      const exits: number[] = [];
      const exited = (worker: { id: number }) => exits.push(worker.id);
      cluster.on('exit', exited);
      const bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
      const issuer = `X-SSL-Issuer: ${bytes('/CN=Zażółć CA')}`;
      // A CN whose characters' low bytes are CR and LF, one with CR and LF themselves, and a name beyond Latin-1.
      const cases: [string, Record<string, string>, string[]][] = [
        [
          'alice\u010d\u010aContent-Length: 40',
          {},
          [
            `X-SSL-Client-DN: /CN=alice\xc4\x8d\xc4\x8aContent-Length: 40`,
            `X-SSL-Client-CN: alice\xc4\x8d\xc4\x8aContent-Length: 40`,
          ],
        ],
        [
          'bob\r\nX-Evil: 1',
          {},
          ['X-SSL-Client-DN: /CN=bob\\0D\\0AX-Evil: 1', 'X-SSL-Client-CN: bob\\0D\\0AX-Evil: 1'],
        ],
        [
          'Łukasz',
          { O: 'Gdańsk' },
          [`X-SSL-Client-DN: ${bytes('/CN=Łukasz/O=Gdańsk')}`, `X-SSL-Client-CN: ${bytes('Łukasz')}`],
        ],
      ];
      const certificateLines = () => {
        assert.equal(heads.length, 1, `the member got ${JSON.stringify(heads)}`);
        const lines = heads.pop()!.split('\r\n');
        assert.equal(lines.filter((l) => /^content-length|^x-evil/i.test(l)).length, 0, JSON.stringify(lines));
        return lines.filter((l) => l.startsWith('X-SSL-'));
      };
      try {
        for (const [commonName, subject, expected] of cases) {
          const issued = namesCa.issue({ commonName, subject, usage: 'client' });
          const credentials = { cert: issued.certPem, key: issued.keyPem };
          const want = [...expected, issuer];
          // HTTP/1.1 on the fast path, HTTP/1.0 on the general path, each on its own connection.
          for (const version of ['1.1', '1.0']) {
            const socket = await tlsConnect(httpsPort, { ...credentials, ALPNProtocols: ['http/1.1'] });
            socket.write(`GET / HTTP/${version}\r\nhost: app.example\r\n\r\n`);
            let answer = '';
            while (!answer.endsWith('ok')) answer += (await once(socket, 'data'))[0];
            assert.match(answer, /^HTTP\/1\.1 200 /);
            socket.destroy();
            assert.deepEqual(certificateLines(), want, `HTTP/${version}, ${JSON.stringify(commonName)}`);
          }
          // HTTP/2, on its fast path.
          const session = connectHttp2(`https://${VIP}:${httpsPort}`, { ...credentials, rejectUnauthorized: false });
          const stream = session.request({ ':path': '/' });
          stream.end();
          const [response] = (await once(stream, 'response')) as [Record<string, unknown>];
          stream.resume();
          await once(stream, 'end');
          session.close();
          assert.equal(response[':status'], 200);
          assert.deepEqual(certificateLines(), want, `HTTP/2, ${JSON.stringify(commonName)}`);
        }
      } finally {
        cluster.off('exit', exited);
      }
      assert.deepEqual(exits, [], 'a worker exited');
    });

    test('an upload arrives whole through a member that reads slowly: records decrypted while paused wait', async () => {
      // The member takes its input in pauses, so the fast path pauses the client while TLS records are still coming.
      const member = createNetServer((socket) => {
        const hash = createHash('sha256');
        let head = '';
        let left = -1;
        socket.on('data', (chunk: Buffer) => {
          let body = chunk;
          if (left < 0) {
            head += chunk.toString('latin1');
            const end = head.indexOf('\r\n\r\n');
            if (end < 0) return;
            left = Number(/content-length: (\d+)/i.exec(head)![1]);
            body = chunk.subarray(chunk.length - (head.length - end - 4));
          }
          hash.update(body);
          left -= body.length;
          socket.pause();
          setTimeout(() => socket.resume(), 2);
          if (left === 0) {
            const digest = hash.digest('hex');
            socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${digest.length}\r\n\r\n${digest}`);
          }
        });
      });
      member.listen(0, '127.0.0.1');
      await once(member, 'listening');
      closers.push(() => new Promise((resolve) => member.close(() => resolve())));
      const port = (member.address() as { port: number }).port;
      await apply(
        loadBalancer(
          'tls-upload',
          [listenerSpec('tls-upload', 'TERMINATED_HTTPS', httpsPort, tlsOf([main]))],
          [poolSpec('pool-tls-upload', 'HTTP', port)],
        ),
      );
      const body = Buffer.allocUnsafe(4 * 1024 * 1024 + 7);
      for (let i = 0; i < body.length; i++) body[i] = (i * 31) ^ (i >> 11);
      const socket = await tlsConnect(httpsPort, { servername: 'main.example' });
      socket.write(`POST /upload HTTP/1.1\r\nhost: main.example\r\ncontent-length: ${body.length}\r\n\r\n`);
      socket.write(body);
      let reply = '';
      socket.setEncoding('latin1');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer in 20 s: ${reply}`)), 20_000);
        socket.on('data', (chunk: string) => {
          reply += chunk;
          if (/\r\n\r\n[0-9a-f]{64}$/.test(reply)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      socket.destroy();
      assert.equal(reply.slice(-64), createHash('sha256').update(body).digest('hex'));
    });

    test('a new certificate serves new handshakes while an open keep-alive connection goes on', async () => {
      await httpsService('swap', tlsOf([main]));
      const before = await tlsConnect(httpsPort);
      assert.equal(serialOf(before), hexSerial(main));
      assert.equal((await get(before)).get('host'), 'app.example');
      await httpsService('swap', tlsOf([other]));
      assert.equal((await get(before)).get('host'), 'app.example');
      const after = await tlsConnect(httpsPort);
      assert.equal(serialOf(after), hexSerial(other));
      assert.equal((await get(after)).get('host'), 'app.example');
      assert.equal((await get(before)).get('host'), 'app.example');
      before.destroy();
      after.destroy();
    });

    test('TERMINATED_HTTPS to a PROXYV2 pool: the member connection of each request starts with the SSL TLVs', async () => {
      const member = await proxiedHttpMember();
      closers.push(member.close);
      const tls = tlsOf([main, other], { clientAuthentication: 'OPTIONAL', clientCaPem: clientCa.certPem });
      await apply(
        loadBalancer(
          'v2http',
          [listenerSpec('v2http', 'TERMINATED_HTTPS', httpsPort, tls)],
          [poolSpec('pool-v2http', 'PROXYV2', member.port)],
        ),
      );
      const socket = await tlsConnect(httpsPort, {
        servername: 'other.example',
        cert: client.certPem,
        key: client.keyPem,
      });
      for (let i = 0; i < 2; i++) {
        const seen = await get(socket);
        assert.equal(seen.get('client'), '127.0.0.1');
        assert.equal(seen.get('authority'), 'other.example');
        assert.equal(seen.get('ssl-cn'), 'client one');
        assert.equal(seen.get('ssl-version'), 'TLSv1.3');
      }
      socket.destroy();
    });

    test('one certificate: OpenSSL reads the hello unpeeked, and the server name reaches a PROXYV2 member as read', async () => {
      const proxied = await startLineServer('127.0.0.1', { proxyProtocol: true });
      closers.push(proxied.close);
      const port = await freePort();
      await apply(
        loadBalancer(
          'single',
          [listenerSpec('single', 'TERMINATED_TLS', port, tlsOf([main]))],
          [poolSpec('pool-single', 'PROXYV2', proxied.port)],
        ),
      );
      const authority = async (servername?: string) => {
        await line(port, servername === undefined ? {} : { servername });
        return proxied.headers.at(-1)!.tlvs.find((t) => t.type === 'authority')?.value ?? null;
      };
      assert.equal(await authority('main.example'), 'main.example');
      // Lower-cased and without its trailing dot, as a peeked name; refused when it is no host name at all.
      assert.equal(await authority('Main.Example.'), 'main.example');
      assert.equal(await authority('a\r\nb.example'), null);
      assert.equal(await authority(), null);
    });

    test('TERMINATED_TLS relays decrypted bytes to a TCP member, and to a PROXYV2 member with the SSL TLVs', async () => {
      const plain = await startLineServer('127.0.0.1');
      const proxied = await startLineServer('127.0.0.1', { proxyProtocol: true });
      closers.push(plain.close, proxied.close);
      const [tcpPort, v2Port] = [await freePort(), await freePort()];
      const tls = tlsOf([main, other], {
        clientAuthentication: 'OPTIONAL',
        clientCaPem: clientCa.certPem,
        alpnProtocols: ['imap'],
      });
      await apply(
        loadBalancer(
          'relay',
          [listenerSpec('tcp', 'TERMINATED_TLS', tcpPort, tls), listenerSpec('v2', 'TERMINATED_TLS', v2Port, tls)],
          [poolSpec('pool-tcp', 'TCP', plain.port), poolSpec('pool-v2', 'PROXYV2', proxied.port)],
        ),
      );
      assert.match(await line(tcpPort, {}), /^member-127\.0\.0\.1 127\.0\.0\.1:\d+\nhello\n$/);
      const text = await line(v2Port, {
        servername: 'other.example',
        ALPNProtocols: ['imap'],
        cert: client.certPem,
        key: client.keyPem,
      });
      assert.match(text, /^member-127\.0\.0\.1 127\.0\.0\.1:\d+\nhello\n$/);
      const tlvs = proxied.headers.at(-1)!.tlvs;
      const find = <T extends ProxyTlv['type']>(type: T) =>
        tlvs.find((t) => t.type === type) as Extract<ProxyTlv, { type: T }> | undefined;
      assert.equal(find('authority')?.value, 'other.example');
      assert.equal(find('alpn')?.value, 'imap');
      const ssl = find('ssl')!;
      assert.equal(ssl.client, SSL_CLIENT_SSL | SSL_CLIENT_CERT_CONN | SSL_CLIENT_CERT_SESS);
      assert.equal(ssl.verify, 0);
      const sub = Object.fromEntries(ssl.tlvs.map((t) => [t.type, 'value' in t ? String(t.value) : '']));
      assert.equal(sub.version, 'TLSv1.3');
      assert.equal(sub.cn, 'client one');
      assert.match(sub.cipher!, /^TLS_AES_\d+_GCM_SHA\d+$|^TLS_CHACHA20/);
      // other.example's certificate: an RSA key signed by the EC test CA.
      assert.equal(sub['sig-alg'], 'ecdsa-with-SHA256');
      assert.equal(sub['key-alg'], 'RSA2048');
      // Without a client certificate: only the SSL flag, verify 0, no CN, as HAProxy sends it.
      await line(v2Port, { ALPNProtocols: ['imap'] });
      const bare = proxied.headers.at(-1)!.tlvs.find((t) => t.type === 'ssl') as Extract<ProxyTlv, { type: 'ssl' }>;
      assert.equal(bare.client, SSL_CLIENT_SSL);
      assert.equal(bare.verify, 0);
      assert.equal(
        bare.tlvs.some((t) => t.type === 'cn'),
        false,
      );
      assert.equal((await connectAndTalk(VIP, tcpPort, 'not tls').catch(() => null))?.echo, undefined);
    });
  });
}

describe('TLS session tickets over several workers', () => {
  let dir: string;
  let engine: ProxyEngine;
  let echo: { server: Server; port: number };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-tickets-'));
    const main = TestCa.create(dir, 'server ca').issue({ commonName: 'main.example', dnsNames: ['main.example'] });
    echo = await headerEcho();
    engine = new ClusterProxyEngine({ ...DEFAULT_DRIVER_SETTINGS, proxyWorkers: 2 }, randomBytes(32));
    const port = await freePort();
    await engine.apply(
      loadBalancer(
        'tickets',
        [listenerSpec('tickets', 'TERMINATED_HTTPS', port, tlsOf([main]))],
        [poolSpec('pool-tickets', 'HTTP', echo.port)],
      ),
    );
    ports.set('tickets', port);
  });
  const ports = new Map<string, number>();

  after(async () => {
    await engine.close();
    echo.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    test(`${version}: a ticket resumes whichever of the two workers takes the next connection`, async () => {
      const port = ports.get('tickets')!;
      const pinned: ConnectionOptions = { minVersion: version, maxVersion: version };
      const opening = await tlsConnect(port, pinned);
      const sessions: Buffer[] = [];
      opening.on('session', (session: Buffer) => sessions.push(session));
      await get(opening);
      const session = sessions.at(-1) ?? opening.getSession();
      opening.destroy();
      assert.ok(session, 'the first connection got a ticket');
      // Each worker accepts from the shared socket; a key of its own would fail about half of these.
      let reused = 0;
      for (let i = 0; i < 24; i++) {
        const again = await tlsConnect(port, { ...pinned, session });
        if (again.isSessionReused()) reused++;
        again.destroy();
      }
      assert.equal(reused, 24);
    });
  }
});
