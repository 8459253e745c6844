// End to end: `weir serve` with two proxy workers under full HTTP load answers its API promptly, because no
// connection passes through its own process; and its workers go when it goes.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { freePort, makeDataDir, removeDataDir, sleep, WeirProcess, writeConfig } from './support/weir-process.ts';

const LOAD_MS = 6_000;
const MEMBER = '127.0.0.71';
const CLIENT = '127.0.0.72';

/** A child node process running `source`; its stdout is collected. */
function node(source: string, ...args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
  });
  return { child, output: () => out };
}

const MEMBER_SOURCE = `
import { createServer } from 'node:http';
createServer((request, response) => response.end('ok')).listen(Number(process.argv[1]), '${MEMBER}', () => console.log('ready'));
`;

/** Keep-alive GETs over 32 connections for the given time; prints `ok errors`. */
const LOAD_SOURCE = `
import { Agent, request } from 'node:http';
const [host, port, ms] = process.argv.slice(1);
const agent = new Agent({ keepAlive: true, maxSockets: 32, localAddress: '${CLIENT}' });
const end = Date.now() + Number(ms);
let ok = 0, errors = 0;
const loop = () => new Promise((done) => {
  const next = () => {
    if (Date.now() > end) return done();
    request({ host, port: Number(port), agent, path: '/' }, (response) => {
      response.resume();
      response.on('end', () => { if (response.statusCode === 200) ok++; else errors++; next(); });
    }).on('error', () => { errors++; next(); }).end();
  };
  next();
});
await Promise.all(Array.from({ length: 32 }, loop));
console.log(ok, errors);
process.exit(0);
`;

let weir: WeirProcess;
let dataDir: string;
let member: ReturnType<typeof node>;
let memberPort: number;

before(async () => {
  dataDir = makeDataDir();
  weir = await WeirProcess.start(dataDir, {
    configFile: writeConfig(dataDir, 'proxy:\n  workers: 2\n  udp: user_space\n'),
  });
  const port = await freePort();
  member = node(MEMBER_SOURCE, String(port));
  for (let i = 0; i < 100 && !member.output().includes('ready'); i++) await sleep(50);
  memberPort = port;
});
after(async () => {
  member.child.kill('SIGKILL');
  await weir.kill('SIGKILL');
  removeDataDir(dataDir);
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field by the assertions
type Json = Record<string, any>;

async function api(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${weir.baseUrl}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await response.json()) as Json;
}

async function waitActive(id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const lb = (await api('GET', `/v2/lbaas/loadbalancers/${id}`)).loadbalancer;
    if (lb.provisioning_status === 'ACTIVE') return;
    await sleep(50);
  }
  assert.fail(`load balancer ${id} not ACTIVE`);
}

test('the API answers promptly while both workers are saturated, and the workers exit with weir', async () => {
  const subnetId = (await api('GET', '/v2.0/subnets?name=local')).subnets[0].id;
  const created = await api('POST', '/v2/lbaas/loadbalancers', {
    loadbalancer: { vip_subnet_id: subnetId, provider: 'proxy' },
  });
  const lb = created.loadbalancer;
  await waitActive(lb.id);
  const port = await freePort();
  const listener = (
    await api('POST', '/v2/lbaas/listeners', {
      listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: port },
    })
  ).listener;
  await waitActive(lb.id);
  const pool = (
    await api('POST', '/v2/lbaas/pools', {
      pool: { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
    })
  ).pool;
  await waitActive(lb.id);
  await api('POST', `/v2/lbaas/pools/${pool.id}/members`, {
    member: { address: MEMBER, protocol_port: memberPort },
  });
  await waitActive(lb.id);

  const workers = [...execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' }).matchAll(/pid=(\d+)/g)]
    .map((m) => Number(m[1]))
    .filter((pid, i, all) => all.indexOf(pid) === i && pid !== weir.child.pid);
  assert.equal(workers.length, 2, 'two worker processes hold the listening socket');

  const load = node(LOAD_SOURCE, lb.vip_address, String(port), String(LOAD_MS));
  const latencies: number[] = [];
  const until = Date.now() + LOAD_MS - 500;
  await sleep(500);
  while (Date.now() < until) {
    const start = performance.now();
    const listed = await api('GET', '/v2/lbaas/loadbalancers');
    latencies.push(performance.now() - start);
    assert.equal(listed.loadbalancers.length, 1);
    await sleep(100);
  }
  await new Promise((resolve) => load.child.once('exit', resolve));
  const [ok = 0, errors = -1] = load.output().trim().split(' ').map(Number);
  latencies.sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)]!;
  const worst = latencies.at(-1)!;
  const stats = (await api('GET', `/v2/lbaas/listeners/${listener.id}/stats`)).stats;
  console.log(
    `under load: ${ok} requests in ${LOAD_MS} ms (${errors} errors); API median ${median.toFixed(1)} ms, ` +
      `worst ${worst.toFixed(1)} ms over ${latencies.length} calls; listener total_connections ${stats.total_connections}`,
  );
  assert.equal(errors, 0);
  assert.ok(ok > 1_000, `the load was real: ${ok} requests`);
  // Generous bounds for a shared two-core machine: measured medians are a few milliseconds.
  assert.ok(median < 250, `median API latency ${median} ms`);
  assert.ok(worst < 2_000, `worst API latency ${worst} ms`);

  await weir.kill('SIGKILL');
  for (let i = 0; i < 100 && workers.some(alive); i++) await sleep(50);
  assert.deepEqual(workers.filter(alive), [], 'workers exit when weir is gone');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
