// End to end: `openstack secret` (python3-barbicanclient) stores certificates in weir's key manager,
// `openstack loadbalancer listener create --protocol TERMINATED_HTTPS` uses them, against a real `weir serve`, and
// curl fetches a page through the proxy provider's listener, each server name served its own certificate.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { pkcs12, TestCa } from '../support/test-pki.ts';
import { assertActive, type Json, NoauthCli, skipWithoutSecretCli as skip } from './support/openstack-cli.ts';
import {
  freePort,
  makeDataDir,
  NOOP_DEFAULT_PROVIDER,
  removeDataDir,
  sleep,
  WeirProcess,
  writeConfig,
} from './support/weir-process.ts';

let weir: WeirProcess | undefined;
let dataDir: string | undefined;
let secret: NoauthCli;
let lb: NoauthCli;

before(async () => {
  if (skip) return;
  dataDir = makeDataDir();
  // Load balancers about the API get noop; the one that carries traffic names the proxy provider.
  weir = await WeirProcess.start(join(dataDir, 'data'), { configFile: writeConfig(dataDir, NOOP_DEFAULT_PROVIDER) });
  secret = new NoauthCli(weir, 'secret');
  lb = new NoauthCli(weir);
});

after(async () => {
  await weir?.kill('SIGKILL');
  if (dataDir !== undefined) removeDataDir(dataDir);
});

test('openstack secret stores a certificate and a TERMINATED_HTTPS listener uses it', {
  skip,
  timeout: 300_000,
}, async () => {
  const { ca, www, p12File } = certificates('e2e ca');
  // Octavia's cookbook: a PKCS#12 bundle stored as a secret, from a file.
  const p12 = await secret.json('store', '--name', 'api-p12', '--file', p12File);
  const p12Ref = String(p12['Secret href']);
  assert.match(p12Ref, new RegExp(`^${weir!.baseUrl}/v1/secrets/`));

  // The other way: PEM secrets in a certificate container.
  const pem = async (name: string, text: string) =>
    String(
      (await secret.json('store', '--name', name, '--payload-content-type', 'text/plain', '--payload', text))[
        'Secret href'
      ],
    );
  const cert = await pem('www-cert', www.certPem);
  const key = await pem('www-key', www.keyPem);
  const chain = await pem('www-chain', ca.certPem);
  const container = await secret.json(
    'container',
    'create',
    '--name',
    'www',
    '--type',
    'certificate',
    '--secret',
    `certificate=${cert}`,
    '--secret',
    `private_key=${key}`,
    '--secret',
    `intermediates=${chain}`,
  );
  const containerRef = String(container['Container href']);
  assert.equal(container.Type, 'certificate');

  const containers = await secret.ok('container', 'list', '-f', 'value', '-c', 'Container href', '-c', 'Type');
  assert.equal(containers.stdout.trim(), `${containerRef} certificate`);
  const listed = await secret.json<Json[]>('list', '--name', 'www-key');
  assert.deepEqual(
    listed.map((s) => s['Secret href']),
    [key],
  );
  assert.equal((await secret.ok('get', '--payload', key, '-f', 'value')).stdout.trim(), www.keyPem.trim());
  const saved = join(ca.dir, 'saved.p12');
  // barbicanclient decodes what it fetched as text unless told the type, as with Barbican.
  await secret.ok('get', '--payload_content_type', 'application/octet-stream', '--file', saved, p12Ref);
  assert.deepEqual(readFileSync(saved), readFileSync(p12File));

  const balancer = await lb.json('create', '--name', 'tls', '--vip-subnet-id', 'local', '--wait');
  assertActive(balancer, 'tls');
  const listener = await lb.json(
    'listener',
    'create',
    '--name',
    'https',
    '--protocol',
    'TERMINATED_HTTPS',
    '--protocol-port',
    '443',
    '--default-tls-container-ref',
    containerRef,
    '--sni-container-refs',
    p12Ref,
    '--wait',
    'tls',
  );
  assertActive(listener, 'https');
  assert.equal(listener.default_tls_container_ref, containerRef);

  // Table output: barbicanclient cannot print a container's dates as JSON, whichever Barbican it talks to.
  const shown = await secret.ok('container', 'get', containerRef);
  assert.match(shown.stdout, new RegExp(`listeners/${listener.id}`));
  const refused = await secret.run('container', 'delete', containerRef);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Container cannot be deleted as it has consumers/);

  const unreadable = await lb.run(
    'listener',
    'create',
    '--protocol',
    'TERMINATED_HTTPS',
    '--protocol-port',
    '8443',
    '--default-tls-container-ref',
    `${weir!.baseUrl}/v1/containers/00000000-0000-4000-8000-000000000000`,
    'tls',
  );
  assert.notEqual(unreadable.code, 0);
  assert.match(
    unreadable.stderr,
    /Could not retrieve certificate: \['http:\/\/.*00000000-0000-4000-8000-000000000000'\]/,
  );

  await lb.ok('listener', 'delete', '--wait', 'https');
  await secret.ok('container', 'delete', containerRef);
  for (const ref of [cert, key, chain, p12Ref]) await secret.ok('delete', ref);
  assert.deepEqual(await secret.json('list'), []);
});

test('a TERMINATED_HTTPS listener of the proxy provider serves the stored certificates, chosen by server name', {
  skip,
  timeout: 300_000,
}, async () => {
  const { ca, www, p12File } = certificates('traffic ca');
  const ref = async (...args: string[]) => String((await secret.json('store', ...args))['Secret href']);
  const sni = await ref('--name', 'api', '--file', p12File);
  const pemBundle = await ref(
    '--name',
    'www',
    '--payload-content-type',
    'text/plain',
    '--payload',
    www.chainPem + www.keyPem,
  );

  const member = await startMember();
  try {
    const port = await freePort();
    const balancer = await lb.json(
      'create',
      '--name',
      'live',
      '--provider',
      'proxy',
      '--vip-subnet-id',
      'local',
      '--wait',
    );
    const vip = String(balancer.vip_address);
    const listener = await lb.json(
      'listener',
      'create',
      '--name',
      'live-https',
      '--protocol',
      'TERMINATED_HTTPS',
      '--protocol-port',
      String(port),
      '--default-tls-container-ref',
      pemBundle,
      '--sni-container-refs',
      sni,
      '--wait',
      'live',
    );
    assertActive(listener, 'live-https');
    await lb.ok(
      'pool',
      'create',
      '--name',
      'live-pool',
      '--lb-algorithm',
      'ROUND_ROBIN',
      '--listener',
      'live-https',
      '--protocol',
      'HTTP',
      '--wait',
    );
    await lb.ok(
      'member',
      'create',
      '--address',
      '127.0.0.1',
      '--protocol-port',
      String(member.port),
      '--wait',
      'live-pool',
    );

    for (const name of ['www.example.org', 'api.example.org']) {
      const { stdout, stderr } = await curl([
        '--resolve',
        `${name}:${port}:${vip}`,
        '--cacert',
        ca.certFile,
        '-v',
        `https://${name}:${port}/hello`,
      ]);
      assert.equal(stdout, 'member saw GET /hello', stderr);
      assert.match(stderr, new RegExp(`subject: CN=${name.replace('.', '\\.')}`));
    }

    // A reference made unreadable behind weir's back (the API refuses to delete a secret in use): the next
    // reconciliation fails and says why, and the listener goes on serving the certificate it has.
    const db = new Database(join(weir!.dataDir, 'weir.sqlite'));
    const sniId = sni.split('/').pop()!;
    db.prepare('delete from secret_payloads where secret_id = ?').run(sniId);
    db.prepare('delete from objects where id = ?').run(sniId);
    db.close();
    await lb.ok('set', '--description', 'after the secret went', 'live');
    const deadline = Date.now() + 30_000;
    let status = '';
    while (status !== 'ERROR' && Date.now() < deadline) {
      await sleep(200);
      status = String((await lb.json('show', 'live')).provisioning_status);
    }
    assert.equal(status, 'ERROR');
    assert.match(weir!.output, new RegExp(`listener ${listener.id}: key manager reference ${sni}: .* not found`));
    const still = await curl([
      '--resolve',
      `api.example.org:${port}:${vip}`,
      '--cacert',
      ca.certFile,
      '-v',
      `https://api.example.org:${port}/`,
    ]);
    assert.match(still.stderr, /subject: CN=api\.example\.org/);
    await lb.ok('delete', '--cascade', '--wait', 'live');
  } finally {
    member.server.close();
  }
  await secret.ok('delete', pemBundle);
});

/** A CA, an EC certificate for www.example.org, and one (RSA) for api.example.org as a PKCS#12 file. */
function certificates(caName: string) {
  const ca = TestCa.create(dataDir!, caName);
  const www = ca.issue({ commonName: 'www.example.org', dnsNames: ['www.example.org'] });
  const api = ca.issue({ commonName: 'api.example.org', keyType: 'rsa', dnsNames: ['api.example.org'] });
  const p12File = join(ca.dir, 'api.p12');
  writeFileSync(p12File, pkcs12(ca, api));
  return { ca, www, p12File };
}

async function startMember(): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => response.end(`member saw ${request.method} ${request.url}`));
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  return { server, port: (server.address() as AddressInfo).port };
}

/** curl, bounded; rejects with its output when it fails. */
function curl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolveCurl, reject) => {
    execFile(
      'curl',
      ['--silent', '--show-error', '--max-time', '10', ...args],
      { timeout: 20_000 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`curl ${args.join(' ')}: ${error.message}\n${stderr}`))
          : resolveCurl({ stdout, stderr }),
    );
  });
}
