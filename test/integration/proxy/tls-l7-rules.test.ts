/**
 * SSL_* L7 rules through real TLS: a TERMINATED_HTTPS listener routes by what its client's certificate says
 * (SSL_CONN_HAS_CERT, SSL_VERIFY_RESULT, SSL_DN_FIELD, inverted or not), on the fast path (HTTP/1.1) and the
 * general path (HTTP/1.0), with client_authentication OPTIONAL and NONE, as the amphora's ssl_c_* ACLs do.
 */

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ConnectionOptions, connect } from 'node:tls';
import type {
  L7PolicySpec,
  L7RuleSpec,
  ListenerSpec,
  LoadBalancerSpec,
  PoolSpec,
} from '../../../src/model/load-balancer-spec.ts';
import { member, spec } from '../../support/kernel-spec.ts';
import { type IssuedCertificate, TestCa } from '../../support/test-pki.ts';
import { localTestEngine } from './support/local-engine.ts';

const VIP = '127.0.0.1';
const plain = spec([]);

async function freePort(): Promise<number> {
  const server = createNetServer().listen(0, VIP);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An HTTP member that answers every request with its name. */
async function namedMember(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    request.resume();
    response.end(name);
  });
  server.listen(0, VIP);
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

/** One request that ends its TLS connection: the body of the answer, or the status when it is not 200. */
function ask(port: number, version: '1.1' | '1.0', options: ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: VIP, port, rejectUnauthorized: false, ...options });
    let text = '';
    socket.setEncoding('latin1');
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no end after 10 s; read: ${text.slice(0, 200)}`)));
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = text.slice(9, 12);
      resolve(status === '200' ? text.slice(text.indexOf('\r\n\r\n') + 4) : status);
    });
    socket.once('secureConnect', () => socket.write(`GET / HTTP/${version}\r\nhost: app\r\nconnection: close\r\n\r\n`));
  });
}

const rule = (type: L7RuleSpec['type'], value: string, more: Partial<L7RuleSpec> = {}): L7RuleSpec => ({
  id: `${type}-${value}-${more.key ?? ''}-${more.invert ?? false}`,
  type,
  compareType: 'EQUAL_TO',
  key: null,
  value,
  invert: false,
  ...more,
});

function policy(position: number, rules: L7RuleSpec[], to: string | null): L7PolicySpec {
  return {
    id: `policy-${position}`,
    action: to === null ? 'REJECT' : 'REDIRECT_TO_POOL',
    position,
    redirectPoolId: to,
    redirectUrl: null,
    redirectPrefix: null,
    redirectHttpCode: null,
    rules,
  };
}

/** In order: a verify result no admitted client has rejects; OU Ops; any certificate; no CN `nobody` and verified. */
const POLICIES = [
  policy(1, [rule('SSL_VERIFY_RESULT', '23')], null),
  policy(2, [rule('SSL_DN_FIELD', 'Ops', { key: 'OU' })], 'ops'),
  policy(3, [rule('SSL_CONN_HAS_CERT', 'True')], 'certified'),
  policy(4, [rule('SSL_DN_FIELD', 'nobody', { key: 'CN', invert: true }), rule('SSL_VERIFY_RESULT', '0')], 'bare'),
];

describe('SSL_* L7 rules on TERMINATED_HTTPS', () => {
  let dir: string;
  let ops: IssuedCertificate;
  let dev: IssuedCertificate;
  const engine = localTestEngine(false);
  const members = new Map<string, { server: Server; port: number }>();
  let optionalPort: number;
  let nonePort: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-tls-l7-'));
    const ca = TestCa.create(dir, 'server ca');
    const clientCa = TestCa.create(dir, 'client ca');
    const served = ca.issue({ commonName: 'app', dnsNames: ['app'] });
    ops = clientCa.issue({ commonName: 'ops one', usage: 'client', subject: { OU: 'Ops' } });
    dev = clientCa.issue({ commonName: 'dev one', usage: 'client', subject: { OU: 'Dev' } });
    for (const name of ['default', 'ops', 'certified', 'bare']) members.set(name, await namedMember(name));
    optionalPort = await freePort();
    nonePort = await freePort();
    const listener = (id: string, port: number, clientAuthentication: ListenerSpec['tls']['clientAuthentication']) => ({
      ...plain.listeners[0]!,
      id,
      protocol: 'TERMINATED_HTTPS' as const,
      port,
      defaultPoolId: 'default',
      tls: {
        ...plain.listeners[0]!.tls,
        defaultContainerRef: 'ref',
        certificates: [{ certificateChainPem: served.chainPem, privateKeyPem: served.keyPem }],
        clientAuthentication,
        clientCaPem: clientAuthentication === 'NONE' ? null : clientCa.certPem,
      },
      l7policies: POLICIES,
    });
    const pools: PoolSpec[] = [...members].map(([id, m]) => ({
      ...plain.pools[0]!,
      id,
      protocol: 'HTTP',
      members: [member(`${id}-m`, VIP, { port: m.port })],
    }));
    const lb: LoadBalancerSpec = {
      ...plain,
      id: 'ssl-rules',
      name: 'ssl-rules',
      provider: 'proxy',
      vip: { address: VIP, subnetId: 'local', interface: null },
      listeners: [listener('optional', optionalPort, 'OPTIONAL'), listener('none', nonePort, 'NONE')],
      pools,
    };
    await engine.apply(lb);
  });

  after(async () => {
    await engine.remove('ssl-rules');
    await engine.close();
    for (const m of members.values()) m.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const withCert = (c: IssuedCertificate): ConnectionOptions => ({ cert: c.certPem, key: c.keyPem });

  for (const version of ['1.1', '1.0'] as const) {
    test(`OPTIONAL, HTTP/${version}: the client's certificate picks the pool`, async () => {
      assert.equal(await ask(optionalPort, version, withCert(ops)), 'ops');
      assert.equal(await ask(optionalPort, version, withCert(dev)), 'certified');
      // No certificate: verify result 0 and no CN, as HAProxy's ssl_c_verify and ssl_c_s_dn(CN) say then.
      assert.equal(await ask(optionalPort, version, {}), 'bare');
    });

    test(`NONE, HTTP/${version}: no certificate is asked for, so a client's is not seen`, async () => {
      assert.equal(await ask(nonePort, version, withCert(ops)), 'bare');
      assert.equal(await ask(nonePort, version, {}), 'bare');
    });
  }
});
