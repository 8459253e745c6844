// End to end: `openstack loadbalancer listener create --protocol PROMETHEUS` against a real `weir serve`, the proxy
// provider's listener scraped over HTTP, and the CLI's pool create under it refused as Octavia refuses it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.ts';
import { assertActive, NoauthCli, skipWithoutOpenstack as skip } from './support/openstack-cli.ts';
import { freePort, makeDataDir, removeDataDir, WeirProcess } from './support/weir-process.ts';

let weir: WeirProcess | undefined;
let dataDir: string | undefined;
let cli: NoauthCli;

before(async () => {
  if (skip) return;
  dataDir = makeDataDir();
  weir = await WeirProcess.start(dataDir);
  cli = new NoauthCli(weir);
});

after(async () => {
  await weir?.kill('SIGKILL');
  if (dataDir !== undefined) removeDataDir(dataDir);
});

test('a PROMETHEUS listener made with the openstack CLI serves Octavia metrics and takes no pool', {
  skip,
  timeout: 300_000,
}, async () => {
  const port = await freePort();
  const lb = await cli.json('create', '--name', 'metered', '--provider', 'proxy', '--vip-subnet-id', 'local', '--wait');
  assertActive(lb, 'metered');
  const listener = await cli.json(
    'listener',
    'create',
    '--name',
    'metrics',
    '--protocol',
    'PROMETHEUS',
    '--protocol-port',
    String(port),
    '--wait',
    'metered',
  );
  assertActive(listener, 'metrics');
  assert.equal(listener.protocol, 'PROMETHEUS');

  const response = await fetch(`http://${lb.vip_address}:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusText(await response.text());
  const loadBalancerFamilies = [...families.keys()].filter((name) => name.startsWith('octavia_loadbalancer_'));
  assert.ok(loadBalancerFamilies.length > 0, [...families.keys()].join(', '));
  assert.equal(sampleValue(families, 'octavia_loadbalancer_listeners'), 0, 'the PROMETHEUS listener is not counted');

  const refused = await cli.run(
    'pool',
    'create',
    '--listener',
    String(listener.id),
    '--protocol',
    'HTTP',
    '--lb-algorithm',
    'ROUND_ROBIN',
  );
  assert.notEqual(refused.code, 0, refused.stdout);
  assert.match(refused.stderr, /Protocol PROMETHEUS listeners cannot have child objects\. \(HTTP 400\)/);
  assert.deepEqual(await cli.json('pool', 'list'), []);

  await cli.ok('delete', '--cascade', '--wait', 'metered');
});
