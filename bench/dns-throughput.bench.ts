/**
 * weir's authoritative DNS server against Knot, in the same run, in a network namespace of its own: UDP queries per
 * second from dnsperf, lost queries, and server CPU per query, in alternating rounds, medians printed with the
 * ratios weir/Knot.
 * Run (root; needs dnsperf, knotd, dig, taskset): node --import tsx bench/dns-throughput.bench.ts
 * Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS per measurement (default 5).
 *
 * Both servers answer the zone lb.example.org (SOA, NS ns1 with glue) and www.lb.example.org with three A records:
 * weir through a `dns` load balancer of that name (a TCP listener, a ROUND_ROBIN pool of three members, no health
 * monitor, so every member is answered), Knot from a zone file. The query mix, cycled by dnsperf: 8 of 10
 * `www.lb.example.org A`, 1 `lb.example.org SOA`, 1 `nx.lb.example.org A` (NXDOMAIN). Pinning, on this 2-core
 * machine: each server (every thread of it) on CPU 0, dnsperf (4 clients, 1 thread, no rate limit) on CPU 1.
 * weir's DNS server runs on its main thread; Knot runs one UDP worker.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeDataDir, removeDataDir } from '../test/e2e/support/weir-process.ts';
import { type BenchNamespaces, median, requireRootAnd, withNamespaces } from './support/bench-namespaces.ts';
import { startBenchWeir } from './support/bench-weir.ts';
import { cpuSeconds, pinProcess, reapedChildrenCpuSeconds } from './support/process-cpu.ts';
import { ratio } from './support/tcp-load.ts';

requireRootAnd(['dnsperf', 'knotd', 'dig', 'taskset'], 'dnsperf knot bind9-dnsutils');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const WEIR_PORT = 5301;
const KNOT_PORT = 5302;
const NAME = 'www.lb.example.org';
const MEMBERS = ['192.0.2.11', '192.0.2.12', '192.0.2.13'];
/** The issue's bar: weir answers at least this share of Knot's queries per second. */
const TARGET = 0.6;

const ZONE_YAML = [
  'dns:',
  `  listen: [127.0.0.1:${WEIR_PORT}]`,
  '  zones:',
  '    - name: lb.example.org',
  '      nameservers: [ns1.lb.example.org]',
  '      hostmaster: hostmaster.example.org',
  '      glue:',
  '        ns1.lb.example.org: [192.0.2.53]',
  '',
].join('\n');

/** The same zone for Knot, with weir's defaults: TTL 3600, SOA timers 3600 600 1209600 300. */
const ZONE_FILE = [
  '$ORIGIN lb.example.org.',
  '$TTL 3600',
  '@ SOA ns1.lb.example.org. hostmaster.example.org. 1 3600 600 1209600 300',
  '@ NS ns1.lb.example.org.',
  'ns1 A 192.0.2.53',
  ...MEMBERS.map((address) => `www A ${address}`),
  '',
].join('\n');

function knotConfig(dir: string): string {
  return [
    'server:',
    `  rundir: "${dir}"`,
    `  listen: 127.0.0.1@${KNOT_PORT}`,
    '  udp-workers: 1',
    '  tcp-workers: 1',
    '  background-workers: 1',
    'database:',
    `  storage: "${dir}"`,
    'log:',
    '  - target: stderr',
    '    any: info',
    'template:',
    '  - id: default',
    `    storage: "${dir}"`,
    '    file: "%s.zone"',
    '    zonefile-sync: -1',
    '    journal-content: none',
    'zone:',
    '  - domain: lb.example.org',
    '',
  ].join('\n');
}

const QUERIES = [...Array<string>(8).fill(`${NAME} A`), 'lb.example.org SOA', 'nx.lb.example.org A', ''].join('\n');

interface Server {
  label: string;
  port: number;
  pid: number;
}

interface Measurement {
  qps: number;
  completed: number;
  lost: number;
  /** Server CPU microseconds per completed query. */
  cpuPerQuery: number;
  /** Server CPU seconds per second while dnsperf ran: 1 is all of CPU 0. */
  serverLoad: number;
  /** dnsperf's CPU seconds per second while it ran: 1 is all of CPU 1. */
  clientLoad: number;
  /** Share of weir's CPU on its main thread, where the DNS server runs. */
  mainThreadShare?: number;
  codes: string;
  packetSizes: string;
}

/** Waits, at most 10 s, until the server on `port` answers NAME with exactly the members' A records. */
async function waitForAnswers(net: BenchNamespaces, port: number): Promise<void> {
  let said = '';
  for (let i = 0; i < 100; i++) {
    try {
      said = net.run('dns', ['dig', '@127.0.0.1', '-p', String(port), '+norec', '+short', '+time=1', '+tries=1', NAME]);
      if (said.split('\n').filter(Boolean).sort().join(',') === MEMBERS.join(',')) return;
    } catch (error) {
      said = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`127.0.0.1:${port} does not answer ${NAME} with ${MEMBERS.join(', ')}: ${said}`);
}

function measure(net: BenchNamespaces, server: Server, queryFile: string): Measurement {
  const serverBefore = cpuSeconds(server.pid);
  const mainBefore = cpuSeconds(server.pid, server.pid);
  const clientBefore = reapedChildrenCpuSeconds();
  const started = performance.now();
  const args = ['-s', '127.0.0.1', '-p', String(server.port), '-d', queryFile, '-c', '4', '-T', '1', '-q', '100'];
  const out = net.run(
    'dns',
    ['taskset', '-c', String(LOAD_CPU), 'dnsperf', ...args, '-l', String(SECONDS)],
    (SECONDS + 30) * 1000,
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const serverCpu = cpuSeconds(server.pid) - serverBefore;
  const field = (label: string) => {
    const match = new RegExp(`${label}:\\s+(.*)`).exec(out);
    if (!match) throw new Error(`dnsperf printed no "${label}":\n${out}`);
    return match[1]!.trim();
  };
  const completed = Number.parseInt(field('Queries completed'), 10);
  return {
    qps: Number(field('Queries per second')),
    completed,
    lost: Number.parseInt(field('Queries lost'), 10),
    cpuPerQuery: (serverCpu / completed) * 1e6,
    serverLoad: serverCpu / wallSeconds,
    clientLoad: (reapedChildrenCpuSeconds() - clientBefore) / wallSeconds,
    mainThreadShare:
      server.label === 'weir' ? (cpuSeconds(server.pid, server.pid) - mainBefore) / serverCpu : undefined,
    codes: field('Response codes'),
    packetSizes: field('Average packet size'),
  };
}

await withNamespaces('dns', ['dns'], async (net) => {
  const weir = await startBenchWeir(net.ns('dns'), undefined, ZONE_YAML);
  const knotDir = makeDataDir();
  // On exit too: an interrupted run leaves through process.exit, which skips `finally`.
  process.once('exit', () => {
    removeDataDir(weir.dataDir);
    removeDataDir(knotDir);
  });
  let knot: ChildProcess | undefined;
  try {
    const lb = await weir.loadBalancer('vips', { name: NAME, provider: 'dns' });
    await weir.listenerWithPool(lb.id, {
      protocol: 'TCP',
      port: 80,
      algorithm: 'ROUND_ROBIN',
      members: MEMBERS.map((address) => ({ address, protocol_port: 80 })),
    });
    await waitForAnswers(net, WEIR_PORT);

    writeFileSync(join(knotDir, 'lb.example.org.zone'), ZONE_FILE);
    writeFileSync(join(knotDir, 'knot.conf'), knotConfig(knotDir));
    const queryFile = join(knotDir, 'queries.txt');
    writeFileSync(queryFile, QUERIES);
    knot = await net.start('dns', ['knotd', '-c', join(knotDir, 'knot.conf')], {
      cpu: SERVER_CPU,
      ready: /server started/,
    });
    await waitForAnswers(net, KNOT_PORT);

    const servers: Server[] = [
      { label: 'weir', port: WEIR_PORT, pid: weir.pid },
      { label: 'Knot', port: KNOT_PORT, pid: net.pidOf('dns', 'knotd') },
    ];
    pinProcess(servers[0]!.pid, SERVER_CPU);
    for (const server of servers)
      console.log(`${server.label}: pid ${server.pid}, ${readdirSync(`/proc/${server.pid}/task`).length} threads`);

    const loadBefore = loadavg()[0]!;
    const results = servers.map(() => [] as Measurement[]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, server] of servers.entries()) {
        results[i]!.push(measure(net, server, queryFile));
        // A measurement blocks the event loop: let a SIGINT or SIGTERM that came meanwhile stop the run here.
        await sleep(0);
      }
    }

    const knotVersion = execFileSync('knotd', ['--version'], { encoding: 'utf8' }).trim();
    console.log(
      `${ROUNDS} alternating rounds of ${SECONDS} s each; servers on CPU ${SERVER_CPU}, dnsperf -c 4 -T 1 -q 100 ` +
        `(no rate limit) on CPU ${LOAD_CPU}; ${knotVersion}, 1 UDP worker; ` +
        'queries: 8/10 www A (3 records), 1/10 apex SOA, 1/10 NXDOMAIN; machine load average (1 min) ' +
        `${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
    );
    const summary = results.map((rounds) => ({
      qps: median(rounds.map((r) => r.qps)),
      cpu: median(rounds.map((r) => r.cpuPerQuery)),
    }));
    for (const [i, server] of servers.entries()) {
      const rounds = results[i]!;
      const fixed = (pick: (r: Measurement) => number, digits: number) =>
        rounds.map((r) => pick(r).toFixed(digits)).join('/');
      console.log(
        `${server.label.padEnd(5)} ${summary[i]!.qps.toFixed(0).padStart(7)} queries/s, ` +
          `${summary[i]!.cpu.toFixed(2).padStart(6)} us CPU/query; rounds ${fixed((r) => r.qps, 0)} queries/s, ` +
          `${fixed((r) => r.cpuPerQuery, 2)} us/query, lost ${fixed((r) => r.lost, 0)} of ` +
          `${fixed((r) => r.completed + r.lost, 0)}, server CPU ${fixed((r) => r.serverLoad, 2)}, ` +
          `dnsperf CPU ${fixed((r) => r.clientLoad, 2)}` +
          (server.label === 'weir' ? `, main thread share ${fixed((r) => r.mainThreadShare ?? 0, 2)}` : ''),
      );
      console.log(`      responses: ${rounds[0]!.codes}; average packet size: ${rounds[0]!.packetSizes}`);
    }
    const [ours, reference] = summary as [(typeof summary)[0], (typeof summary)[0]];
    const share = ours.qps / reference.qps;
    console.log(
      `weir/Knot: queries/s ${ratio(ours.qps, reference.qps, 'Knot')}, CPU per query ${ratio(ours.cpu, reference.cpu, 'Knot')}`,
    );
    console.log(`weir queries/s ${share.toFixed(3)}x Knot: ${share >= TARGET ? 'meets' : 'MISSES'} >= ${TARGET}x`);
  } finally {
    await weir.stop();
    knot?.kill('SIGKILL');
  }
});
