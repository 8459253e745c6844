// Interop: Debian's HAProxy 2.6 and nginx 1.22 accept weir's PROXY headers (v1, and v2 with CRC32C and UNIQUE_ID)
// and report the client they carry, over IPv4 and IPv6; and weir's decoder reads what HAProxy sends with
// `send-proxy` / `send-proxy-v2 proxy-v2-options unique-id,crc32c`, CRC verified, to the byte what weir's encoder
// would have written; and HAProxy takes the header weir sends behind a TLS-terminating listener, with its ALPN and
// SSL TLVs, and reads the server name from its AUTHORITY TLV. Each daemon runs from a temp dir on free loopback ports and is killed afterwards.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { connect as connectTls } from 'node:tls';
import { encodeProxyV1 } from '../../src/protocols/proxy-protocol/encode-v1.ts';
import { encodeProxyV2 } from '../../src/protocols/proxy-protocol/encode-v2.ts';
import type { IpEndpoint, ProxyHeader } from '../../src/protocols/proxy-protocol/header.ts';
import { ProxyHeaderDecoder } from '../../src/protocols/proxy-protocol/stream-decoder.ts';
import { member, spec } from '../support/kernel-spec.ts';
import { onPath } from '../support/on-path.ts';
import { TestCa } from '../support/test-pki.ts';
import { localTestEngine } from './proxy/support/local-engine.ts';

const WAIT_MS = 10_000;
const IO_MS = 5_000;
const REQUEST = 'GET / HTTP/1.1\r\nHost: weir.test\r\nConnection: close\r\n\r\n';

function skipReason(tool: 'haproxy' | 'nginx'): string | false {
  if (process.getuid?.() !== 0)
    return `not root: ${tool} is installed only as root (scripts/ensure-system-packages.sh)`;
  if (!onPath(tool)) return `${tool} not installed (Debian package ${tool}; see scripts/ensure-system-packages.sh)`;
  return false;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (address !== null && typeof address === 'object' ? resolvePort(address.port) : reject()));
    });
  });
}

/** Resolves once host:port accepts a connection, polling until WAIT_MS has passed. */
async function waitListening(host: string, port: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const ok = await new Promise<boolean>((resolveTry) => {
      const socket = connect({ host, port, timeout: 1_000 });
      const settle = (listening: boolean) => {
        socket.destroy();
        resolveTry(listening);
      };
      socket.once('connect', () => settle(true));
      socket.once('error', () => settle(false));
      socket.once('timeout', () => settle(false));
    });
    if (ok) return;
    const why = exited();
    if (why !== undefined) throw new Error(why);
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${WAIT_MS} ms`);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 50));
  }
}

/** A daemon run in the foreground in its own process group, with its temp dir; stop() kills both. */
class Daemon {
  private output = '';
  private exit: string | undefined;
  private readonly exited: Promise<void>;
  private readonly onProcessExit = () => this.kill();

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
  ) {
    const collect = (chunk: string) => {
      this.output = (this.output + chunk).slice(-16_000);
    };
    child.stdout?.setEncoding('utf8').on('data', collect);
    child.stderr?.setEncoding('utf8').on('data', collect);
    this.exited = new Promise((resolveExit) =>
      child.once('exit', (code, signal) => {
        this.exit = `exited (${code ?? signal}): ${this.output}`;
        resolveExit();
      }),
    );
    process.once('exit', this.onProcessExit);
  }

  static async start(command: string, args: string[], dir: string, listening: [string, number][]): Promise<Daemon> {
    // setpriv's parent-death signal: a test process that dies without stop() takes the daemon with it.
    const child = onPath('setpriv')
      ? spawn('setpriv', ['--pdeathsig', 'KILL', '--', command, ...args], { cwd: dir, detached: true })
      : spawn(command, args, { cwd: dir, detached: true });
    const daemon = new Daemon(child, dir);
    try {
      for (const [host, port] of listening) await waitListening(host, port, () => daemon.exit);
    } catch (error) {
      await daemon.stop();
      throw error;
    }
    return daemon;
  }

  get logs(): string {
    return this.output;
  }

  private kill(): void {
    if (this.exit !== undefined || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  async stop(): Promise<void> {
    process.removeListener('exit', this.onProcessExit);
    this.kill();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((resolveWait) => (timer = setTimeout(resolveWait, WAIT_MS)))]);
    clearTimeout(timer);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Sends bytes on a fresh connection and returns everything received until the peer closes (bounded). */
function exchange(host: string, port: number, bytes: Buffer): Promise<{ response: string; local: IpEndpoint }> {
  return new Promise((resolveExchange, reject) => {
    const socket: Socket = connect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer from ${host}:${port} within ${IO_MS} ms`));
    }, IO_MS);
    // Read at connect: a closed socket no longer knows its address.
    let local: IpEndpoint = { address: '', port: 0 };
    socket.once('connect', () => {
      local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
      socket.end(bytes);
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    const finish = () => {
      clearTimeout(timer);
      resolveExchange({ response: Buffer.concat(chunks).toString('utf8'), local });
    };
    socket.once('close', finish);
    // A peer that refuses a header resets the connection: that is an answer too (an empty one).
    socket.once('error', () => undefined);
  });
}

const body = (response: string) => response.slice(response.indexOf('\r\n\r\n') + 4);

interface Family {
  name: string;
  host: string;
  client: IpEndpoint;
}

const FAMILIES: Family[] = [
  { name: 'IPv4', host: '127.0.0.1', client: { address: '192.0.2.10', port: 51234 } },
  { name: 'IPv6', host: '::1', client: { address: '2001:db8::17', port: 4711 } },
];

function headers(family: Family, port: number, uniqueId: string): [string, Buffer][] {
  const destination = { address: family.host, port };
  return [
    ['v1', encodeProxyV1({ source: family.client, destination })],
    [
      'v2',
      encodeProxyV2({
        command: 'proxy',
        source: family.client,
        destination,
        crc32c: true,
        tlvs: [{ type: 'unique-id', value: Buffer.from(uniqueId) }],
      }),
    ],
  ];
}

async function ports(): Promise<Record<string, number>> {
  return { v4: await freePort('127.0.0.1'), v6: await freePort('::1') };
}

const portOf = (family: Family, p: Record<string, number>) => (family.host === '::1' ? p.v6! : p.v4!);

test('HAProxy 2.6 `accept-proxy` takes weir v1 and v2 headers and reports their client', {
  skip: skipReason('haproxy'),
  timeout: 60_000,
}, async (t) => {
  const p = await ports();
  const dir = mkdtempSync(join(tmpdir(), 'weir-haproxy-'));
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    [
      'global',
      '  maxconn 64',
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 5s',
      '  timeout server 5s',
      'frontend members',
      `  bind 127.0.0.1:${p.v4} accept-proxy`,
      `  bind [::1]:${p.v6} accept-proxy`,
      '  http-request return status 200 content-type text/plain lf-string "%[src]:%[src_port] %[fc_pp_unique_id]"',
      '',
    ].join('\n'),
  );
  const haproxy = await Daemon.start('haproxy', ['-f', join(dir, 'haproxy.cfg'), '-db'], dir, [
    ['127.0.0.1', p.v4!],
    ['::1', p.v6!],
  ]);
  try {
    for (const family of FAMILIES) {
      const port = portOf(family, p);
      for (const [version, header] of headers(family, port, `weir-${family.name}`)) {
        const { response } = await exchange(family.host, port, Buffer.concat([header, Buffer.from(REQUEST)]));
        const uniqueId = version === 'v2' ? `weir-${family.name}` : '';
        const expected = `${family.client.address}:${family.client.port} ${uniqueId}`;
        assert.match(response, /^HTTP\/1\.1 200/, `${family.name} ${version}: ${response}\n${haproxy.logs}`);
        assert.equal(body(response), expected, `${family.name} ${version}`);
        t.diagnostic(`haproxy ${family.name} ${version}: ${JSON.stringify(body(response))}`);
      }
      // HAProxy checks CRC32C: the same v2 header with one bit of its unique id flipped is refused.
      const corrupt = Buffer.from(headers(family, port, `weir-${family.name}`)[1]![1]);
      corrupt[corrupt.length - 1]! ^= 1;
      const { response } = await exchange(family.host, port, Buffer.concat([corrupt, Buffer.from(REQUEST)]));
      assert.doesNotMatch(response, /200/, `${family.name}: a header with a wrong CRC32C was accepted`);
      t.diagnostic(`haproxy ${family.name} v2 with a wrong CRC32C: ${JSON.stringify(response.slice(0, 40))}`);
    }
  } finally {
    await haproxy.stop();
  }
});

test('nginx `listen ... proxy_protocol` takes weir v1 and v2 headers and reports their client', {
  skip: skipReason('nginx'),
  timeout: 60_000,
}, async (t) => {
  const p = await ports();
  const dir = mkdtempSync(join(tmpdir(), 'weir-nginx-'));
  const temp = (name: string) => `${name} ${join(dir, name)};`;
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process off;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} info;`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      `  ${temp('client_body_temp_path')} ${temp('proxy_temp_path')} ${temp('fastcgi_temp_path')}`,
      `  ${temp('uwsgi_temp_path')} ${temp('scgi_temp_path')}`,
      '  server {',
      `    listen 127.0.0.1:${p.v4} proxy_protocol;`,
      `    listen [::1]:${p.v6} proxy_protocol;`,
      '    default_type text/plain;',
      '    return 200 "$proxy_protocol_addr:$proxy_protocol_port";',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const nginx = await Daemon.start(
    'nginx',
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    dir,
    [
      ['127.0.0.1', p.v4!],
      ['::1', p.v6!],
    ],
  );
  try {
    for (const family of FAMILIES) {
      const port = portOf(family, p);
      for (const [version, header] of headers(family, port, `weir-${family.name}`)) {
        const { response } = await exchange(family.host, port, Buffer.concat([header, Buffer.from(REQUEST)]));
        assert.match(response, /^HTTP\/1\.1 200/, `${family.name} ${version}: ${response}\n${nginx.logs}`);
        assert.equal(body(response), `${family.client.address}:${family.client.port}`, `${family.name} ${version}`);
        t.diagnostic(`nginx ${family.name} ${version}: ${JSON.stringify(body(response))}`);
      }
    }
  } finally {
    await nginx.stop();
  }
});

interface Received {
  header: ProxyHeader;
  bytes: Buffer;
}

/** A member that decodes the PROXY header with weir's decoder and answers with what it decoded. */
function memberServer(received: Received[]): Server {
  return createServer((socket) => {
    const decoder = new ProxyHeaderDecoder();
    let request = '';
    let seen = Buffer.alloc(0);
    let done = false;
    socket.setTimeout(IO_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (!done) {
        seen = Buffer.concat([seen, chunk]);
        const result = decoder.push(chunk);
        if (result.status === 'need-more') return;
        if (result.status === 'error') {
          socket.end(
            `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: ${result.reason.length}\r\n\r\n${result.reason}`,
          );
          return;
        }
        done = true;
        received.push({ header: result.header, bytes: seen.subarray(0, result.consumed) });
        request = result.rest.toString('latin1');
      } else {
        request += chunk.toString('latin1');
      }
      if (request.includes('\r\n\r\n'))
        socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
    });
  });
}

test('weir decodes what HAProxy 2.6 sends with send-proxy and send-proxy-v2 (unique-id, crc32c)', {
  skip: skipReason('haproxy'),
  timeout: 60_000,
}, async (t) => {
  const received: Received[] = [];
  const member = memberServer(received);
  try {
    await new Promise<void>((resolveListen) => member.listen(0, '127.0.0.1', resolveListen));
    await throughHaproxy(t, received, (member.address() as { port: number }).port);
  } finally {
    await new Promise((resolveClose) => member.close(resolveClose));
  }
});

async function throughHaproxy(t: TestContext, received: Received[], memberPort: number): Promise<void> {
  const p = await ports();
  const dir = mkdtempSync(join(tmpdir(), 'weir-haproxy-'));
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    [
      'global',
      '  maxconn 64',
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 5s',
      '  timeout server 5s',
      'frontend clients',
      `  bind 127.0.0.1:${p.v4}`,
      `  bind [::1]:${p.v6}`,
      '  unique-id-format weir-%ci-%cp',
      // Lets the test pose as a client of another family: a mixed pair, as HAProxy sends it.
      '  http-request set-src hdr(x-client) if { req.hdr(x-client) -m found }',
      '  use_backend v1 if { path /v1 }',
      '  default_backend v2',
      'backend v1',
      `  server member 127.0.0.1:${memberPort} send-proxy`,
      'backend v2',
      `  server member 127.0.0.1:${memberPort} send-proxy-v2 proxy-v2-options unique-id,crc32c`,
      '',
    ].join('\n'),
  );
  const haproxy = await Daemon.start('haproxy', ['-f', join(dir, 'haproxy.cfg'), '-db'], dir, [
    ['127.0.0.1', p.v4!],
    ['::1', p.v6!],
  ]);
  try {
    const cases = FAMILIES.flatMap((family) => [
      { family, path: '/v1', client: undefined as string | undefined },
      { family, path: '/v2', client: undefined as string | undefined },
    ]);
    cases.push(
      { family: FAMILIES[0]!, path: '/v1', client: '2001:db8::7' },
      { family: FAMILIES[0]!, path: '/v2', client: '2001:db8::7' },
    );
    for (const { family, path, client } of cases) {
      const port = portOf(family, p);
      const extra = client === undefined ? '' : `X-Client: ${client}\r\n`;
      const request = REQUEST.replace('GET / ', `GET ${path} `).replace('\r\n\r\n', `\r\n${extra}\r\n`);
      const before = received.length;
      const { response, local } = await exchange(family.host, port, Buffer.from(request));
      const what = `${family.name} ${path}${client === undefined ? '' : ` as ${client}`}`;
      assert.match(response, /^HTTP\/1\.1 200/, `${what}: ${response}\n${haproxy.logs}`);
      assert.equal(received.length, before + 1, what);
      const { header, bytes } = received[before]!;
      t.diagnostic(
        `haproxy -> weir ${what}: ${JSON.stringify({ ...header, tlvs: header.tlvs.map((tlv) => ('value' in tlv ? String(tlv.value) : tlv)) })}`,
      );
      const source = { address: client ?? local.address, port: local.port };
      if (client !== undefined) {
        // HAProxy sends a mixed pair as TCP6 with the IPv4 side mapped, as weir's encoder does.
        assert.equal(header.family, 'inet6', what);
        assert.deepEqual(header.destination, { address: `::ffff:${family.host}`, port }, what);
      } else {
        assert.equal(header.family, family.host === '::1' ? 'inet6' : 'inet', what);
        assert.deepEqual(header.destination, { address: family.host, port }, what);
      }
      assert.deepEqual(header.source, source, what);
      if (path === '/v2') {
        assert.equal(header.crc32c, true, `${what}: CRC32C present and verified`);
        assert.deepEqual(
          header.tlvs,
          [{ type: 'unique-id', value: Buffer.from(`weir-${source.address}-${source.port}`) }],
          what,
        );
        assert.deepEqual(encodeProxyV2(header), bytes, `${what}: weir encodes the same bytes`);
      } else {
        assert.equal(header.version, 1, what);
        assert.deepEqual(encodeProxyV1(header), bytes, `${what}: weir encodes the same line`);
      }
    }
  } finally {
    await haproxy.stop();
  }
}

test('HAProxy 2.6 `accept-proxy` takes what a TERMINATED_TLS listener sends to a PROXYV2 pool (SSL, ALPN, AUTHORITY)', {
  skip: skipReason('haproxy'),
  timeout: 60_000,
}, async (t) => {
  const [memberPort, listenerPort] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
  const dir = mkdtempSync(join(tmpdir(), 'weir-haproxy-'));
  const certificate = TestCa.create(dir).issue({ commonName: 'app.example', dnsNames: ['app.example'] });
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    [
      ...['global', '  maxconn 64', 'defaults', '  mode http'],
      ...['  timeout connect 5s', '  timeout client 5s', '  timeout server 5s', 'frontend members'],
      `  bind 127.0.0.1:${memberPort} accept-proxy`,
      '  http-request return status 200 content-type text/plain lf-string "%[src] %[fc_pp_authority]"',
      '',
    ].join('\n'),
  );
  const haproxy = await Daemon.start('haproxy', ['-f', join(dir, 'haproxy.cfg'), '-db'], dir, [
    ['127.0.0.1', memberPort],
  ]);
  const engine = localTestEngine();
  try {
    const plain = spec([]);
    const tls = {
      ...plain.listeners[0]!.tls,
      defaultContainerRef: 'ref',
      alpnProtocols: ['http/1.1'],
      certificates: [{ certificateChainPem: certificate.chainPem, privateKeyPem: certificate.keyPem }],
    };
    await engine.apply({
      ...plain,
      provider: 'proxy',
      vip: { address: '127.0.0.1', subnetId: 'local', interface: null },
      listeners: [{ ...plain.listeners[0]!, protocol: 'TERMINATED_TLS', port: listenerPort, tls }],
      pools: [{ ...plain.pools[0]!, protocol: 'PROXYV2', members: [member('m', '127.0.0.1', { port: memberPort })] }],
    });
    const socket = connectTls({
      host: '127.0.0.1',
      port: listenerPort,
      servername: 'app.example',
      ALPNProtocols: ['http/1.1'],
      rejectUnauthorized: false,
    });
    socket.setEncoding('utf8');
    socket.once('secureConnect', () => socket.end(REQUEST));
    let response = '';
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    await new Promise((resolveClose, reject) => {
      socket.once('close', resolveClose);
      socket.once('error', reject);
    });
    assert.match(response, /^HTTP\/1\.1 200/, `${response}\n${haproxy.logs}`);
    assert.equal(body(response), '127.0.0.1 app.example');
    t.diagnostic(`haproxy behind TERMINATED_TLS: ${JSON.stringify(body(response))}`);
  } finally {
    await engine.close();
    await haproxy.stop();
  }
});
