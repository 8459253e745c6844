// End to end: weir's own client commands as real processes against a real `weir serve`, next to the real
// `openstack loadbalancer` CLI (python-octaviaclient) on the same weir: the same lists, in the same JSON.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { NoauthCli, skipWithoutOpenstack } from './support/openstack-cli.ts';
import { cleanEnvironment, WEIR_CLI, WeirCliProcess } from './support/weir-cli.ts';
import {
  freePort,
  makeDataDir,
  NOOP_DEFAULT_PROVIDER,
  removeDataDir,
  repoRoot,
  WeirProcess,
  writeConfig,
} from './support/weir-process.ts';

let weir: WeirProcess | undefined;
let dataDir: string | undefined;
let cli: WeirCliProcess;
const ids: Record<string, string> = {};

before(async () => {
  dataDir = makeDataDir();
  weir = await WeirProcess.start(dataDir, { configFile: writeConfig(dataDir, NOOP_DEFAULT_PROVIDER) });
  cli = new WeirCliProcess(weir);
});

after(async () => {
  await weir?.kill('SIGKILL');
  if (dataDir !== undefined) removeDataDir(dataDir);
});

test('weir builds a load balancer with one of every child, each create waiting for ACTIVE', {
  timeout: 180_000,
}, async () => {
  const created = async (line: string) => {
    const object = await cli.json(...line.split(' '), '--wait');
    assert.equal(object.provisioning_status, 'ACTIVE', JSON.stringify(object));
    return String(object.id);
  };
  ids.lb = await created('loadbalancer create --name web --vip-subnet-id local');
  await created('listener create --name http --protocol HTTP --protocol-port 80 web');
  await created('pool create --name app --listener http --protocol HTTP --lb-algorithm ROUND_ROBIN');
  await created('member create app --address 10.0.0.11 --protocol-port 8080');
  await created('healthmonitor create --delay 5 --timeout 3 --max-retries 3 --type HTTP app');
  await created('l7policy create --name pol --action REJECT http');
  await created('l7rule create --type PATH --compare-type STARTS_WITH --value /api pol');
});

test('`weir ... list -f json` equals `openstack loadbalancer ... list -f json` on the same weir', {
  skip: skipWithoutOpenstack,
  timeout: 180_000,
}, async () => {
  const openstack = new NoauthCli(weir!);
  for (const args of [
    ['loadbalancer', 'list'],
    ['listener', 'list'],
    ['pool', 'list'],
    ['member', 'list', 'app'],
    ['healthmonitor', 'list'],
    ['l7policy', 'list'],
    ['l7rule', 'list', 'pol'],
  ]) {
    const theirs = await openstack.json<unknown[]>(...(args[0] === 'loadbalancer' ? args.slice(1) : args));
    const ours = await cli.json<unknown[]>(...args);
    assert.equal(ours.length, 1, args.join(' '));
    assert.deepEqual(ours, theirs, args.join(' '));
  }
});

test('a real process: the faultstring on stderr and exit code 1; nothing listening is named', {
  timeout: 60_000,
}, async () => {
  const bad = await cli.run('listener', 'create', '--protocol', 'HTTP', '--protocol-port', '70000', 'web');
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /^Invalid input for field\/attribute protocol_port\. Value: '70000'\. .+ \(HTTP 400\)\n$/);

  const nobody = `http://127.0.0.1:${await freePort()}`;
  const refused = await cli.run('loadbalancer', 'list', '--os-endpoint', nobody);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`^cannot reach weir at ${nobody}: connection refused;`));
});

test('--wait draws its progress line on a terminal (a pty from script(1)) and nothing into a pipe', {
  timeout: 60_000,
}, async () => {
  const piped = await cli.run(
    'loadbalancer',
    'set',
    'web',
    '--description',
    'piped',
    '--wait',
    '-f',
    'value',
    '-c',
    'description',
  );
  assert.deepEqual([piped.code, piped.stdout, piped.stderr], [0, 'piped\n', '']);

  const command = [
    ...WEIR_CLI,
    'loadbalancer',
    'set',
    'web',
    '--description',
    'tty',
    '--wait',
    '-f',
    'value',
    '-c',
    'description',
  ];
  const terminal = await new Promise<{ code: number; output: string }>((resolveRun) => {
    execFile(
      'script',
      ['-qec', command.join(' '), '/dev/null'],
      { cwd: repoRoot, env: cleanEnvironment({ OS_ENDPOINT: weir!.baseUrl }), timeout: 60_000 },
      (error, stdout) => resolveRun({ code: error ? Number(error.code ?? -1) : 0, output: stdout }),
    );
  });
  assert.equal(terminal.code, 0, terminal.output);
  assert.match(
    terminal.output,
    new RegExp(`^\\r[|/\\\\-] waiting for load balancer ${ids.lb}: [A-Z_]+ \\(\\d+ s\\)\\u001b\\[K`),
  );
  assert.ok(terminal.output.endsWith('\r\u001b[Ktty\r\n'), JSON.stringify(terminal.output));
});
