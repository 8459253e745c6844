/**
 * Memory per idle connection, weir's `proxy` provider against HAProxy 2.6, in a network namespace of its own
 * (loopback only): for HTTP keep-alive connections (one request answered on each, then idle) and for TCP connections
 * relayed to a backend that holds its side. The proxy's RSS is read before N connections open, with N/2 open and idle
 * for 2 s, and with all N open and idle for 2 s; the bytes per idle connection printed are what the second half added
 * (the marginal cost: a fresh V8 heap's young generation, up to tens of MiB touched once whatever the load, would
 * otherwise count as the first connections' cost), with the ratio weir/HAProxy, and beside them the cost over all N.
 * Run (root; needs haproxy, nginx, curl, ss, prlimit): node --import tsx bench/idle-connections.bench.ts
 * Environment: BENCH_CONNECTIONS (N, default 5000), BENCH_ROUNDS (default 3; the median is printed, and each round).
 *
 * Backend: nginx (one process, `return 200` with a 13-byte body) on 127.0.0.1:18080. weir (`proxy.workers: 1`: the
 * proxy in one worker process, whose RSS counts as weir's with the weir process's) has one `proxy` load balancer on
 * 127.0.100.1 with an HTTP listener (X-Forwarded-For inserted) and a TCP listener, each with a ROUND_ROBIN pool whose
 * one member is nginx. HAProxy (`nbthread 1`) has a `mode http` frontend (`option forwardfor`, `http-reuse always`)
 * and a `mode tcp` one, both to nginx. The clients are a Node process in the namespace opening the connections 100 at
 * a time. Each measurement gets a fresh proxy process (weir killed and started again on its store, HAProxy started
 * again): memory a process freed but kept from an earlier measurement would otherwise be reused and hide the cost.
 * Before it, 200 connections of the kind are opened and closed, unmeasured (V8 compiles weir's code for them).
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { haproxyConfig } from './support/bench-haproxy.ts';
import { type BenchNamespaces, median, requireRootAnd, withNamespaces } from './support/bench-namespaces.ts';
import { startBenchNginx, waitFor200 } from './support/bench-nginx.ts';
import { startProxyBenchWeir } from './support/bench-weir.ts';
import { establishedFrom, openIdle } from './support/idle-clients.ts';
import { openFilesHardLimit, withOpenFiles } from './support/open-files.ts';
import { processTree } from './support/process-cpu.ts';
import {
  BACKEND,
  HAPROXY,
  HAPROXY_HTTP_PORT,
  HAPROXY_TCP_PORT,
  NGINX_PORT,
  WEIR_HTTP_PORT,
  WEIR_TCP_PORT,
} from './support/proxy-bench-ports.ts';
import { ratio } from './support/tcp-load.ts';

requireRootAnd(['haproxy', 'nginx', 'curl', 'ss', 'prlimit'], 'haproxy nginx curl iproute2 util-linux');

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 100;
/** A TCP connection through a proxy takes two descriptors there; headroom for the rest. */
const FILES_NEEDED = 2 * CONNECTIONS + 1000;
if (openFilesHardLimit() < FILES_NEEDED) {
  console.error(`${CONNECTIONS} connections need an open-file hard limit of ${FILES_NEEDED} (ulimit -Hn)`);
  process.exit(2);
}
const IDLE_MS = 2000;
/** Opened and closed on each listener before measuring, so that weir's code for it is compiled. */
const WARMUP_CONNECTIONS = 200;
const NS = 'idle';

const HAPROXY_CONFIG = haproxyConfig(CONNECTIONS + 500, 60, [
  { name: 'http', mode: 'http', bind: [HAPROXY, HAPROXY_HTTP_PORT], server: [BACKEND, NGINX_PORT] },
  { name: 'tcp', mode: 'tcp', bind: [HAPROXY, HAPROXY_TCP_PORT], server: [BACKEND, NGINX_PORT] },
]);

/** The resident set of a process and its descendants in bytes (VmRSS of /proc/<pid>/status). */
function rssBytes(pid: number): number {
  return processTree(pid).reduce((sum, member) => sum + processRssBytes(member), 0);
}

function processRssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

type Mode = 'http' | 'tcp';

interface Proxy {
  label: string;
  targets: Record<Mode, [string, number]>;
  /** Starts the proxy afresh (a new process, both listeners ready) and resolves with its pid. */
  fresh: () => Promise<number>;
}

interface Measurement {
  before: number;
  /** RSS with the first half of the connections open and idle. */
  middle: number;
  after: number;
  /** What the second half added, per connection: the marginal cost. */
  perConnection: number;
  /** What all of them added, per connection, start-up effects included. */
  overall: number;
  failed: number;
  /** Connections the proxy held (ESTABLISHED on its listening port) when RSS was read. */
  held: number;
  /** Connections nginx held then. */
  backendHeld: number;
  closedMeanwhile: number;
}

/** Waits, at most `timeoutMs`, until `count` sockets are ESTABLISHED from `port`; returns how many are. */
async function untilEstablished(net: BenchNamespaces, port: number, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let now = establishedFrom(net, NS, port);
  while (now !== count && Date.now() < deadline) {
    await sleep(200);
    now = establishedFrom(net, NS, port);
  }
  return now;
}

/** Waits, at most 10 s, until something listens on `port` in the namespace. */
async function untilListening(net: BenchNamespaces, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (net.run(NS, ['ss', '-Htln', `( sport = :${port} )`]).trim()) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on port ${port}`);
}

async function measure(net: BenchNamespaces, proxy: Proxy, mode: Mode): Promise<Measurement> {
  const target = proxy.targets[mode];
  const pid = await proxy.fresh();
  const options = { mode, concurrency: CONCURRENCY, timeoutMs: 120_000 };
  // Not measured: compiles weir's code for this kind of connection, for both proxies alike.
  const warmup = await openIdle(net, NS, target, { ...options, count: WARMUP_CONNECTIONS });
  await warmup.close();
  await untilEstablished(net, target[1], 0, 10_000);
  await sleep(500);

  const before = rssBytes(pid);
  const half = Math.floor(CONNECTIONS / 2);
  const first = await openIdle(net, NS, target, { ...options, count: half });
  await untilEstablished(net, target[1], first.opened, 20_000);
  await sleep(IDLE_MS);
  const middle = rssBytes(pid);
  const second = await openIdle(net, NS, target, { ...options, count: CONNECTIONS - half });
  const held = await untilEstablished(net, target[1], first.opened + second.opened, 20_000);
  await sleep(IDLE_MS);
  const after = rssBytes(pid);
  const backendHeld = establishedFrom(net, NS, NGINX_PORT);
  const closedMeanwhile = (await first.close()) + (await second.close());
  await untilEstablished(net, target[1], 0, 20_000);
  await sleep(1000);
  return {
    before,
    middle,
    after,
    perConnection: (after - middle) / (CONNECTIONS - half),
    overall: (after - before) / CONNECTIONS,
    failed: first.failed + second.failed,
    held,
    backendHeld,
    closedMeanwhile,
  };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

await withNamespaces('idle', [NS], async (net) => {
  net.run(NS, ['sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535', 'net.core.somaxconn=8192']);
  const { weir, dir } = await startProxyBenchWeir(net, NS);
  try {
    writeFileSync(join(dir, 'haproxy.cfg'), HAPROXY_CONFIG);
    await startBenchNginx(net, NS, dir, [BACKEND, NGINX_PORT], { workerConnections: FILES_NEEDED });

    const lb = await weir.loadBalancer('vips', { provider: 'proxy', name: 'bench' });
    const members = [{ address: BACKEND, protocol_port: NGINX_PORT }];
    await weir.listenerWithPool(lb.id, {
      protocol: 'HTTP',
      port: WEIR_HTTP_PORT,
      algorithm: 'ROUND_ROBIN',
      members,
      listener: { insert_headers: { 'X-Forwarded-For': 'true' } },
    });
    await weir.listenerWithPool(lb.id, { protocol: 'TCP', port: WEIR_TCP_PORT, algorithm: 'ROUND_ROBIN', members });
    const ready = async (targets: Proxy['targets']) => {
      await waitFor200(net, NS, `http://${targets.http.join(':')}/`);
      await untilListening(net, targets.tcp[1]);
    };
    let haproxy: ChildProcess | undefined;
    const proxies: Proxy[] = [
      {
        label: 'weir',
        targets: { http: [lb.vip_address, WEIR_HTTP_PORT], tcp: [lb.vip_address, WEIR_TCP_PORT] },
        async fresh() {
          // Killed and started again on its store: the reconciler sets the listeners up again.
          await weir.restart();
          await ready(this.targets);
          // The e2e helper starts weir with this process's limits: its soft one raised to the hard one, in the worker
          // too (started by now: ready means its listeners answer).
          const files = openFilesHardLimit();
          for (const pid of processTree(weir.pid)) {
            execFileSync('prlimit', ['--pid', String(pid), `--nofile=${files}:${files}`]);
          }
          return weir.pid;
        },
      },
      {
        label: 'HAProxy',
        targets: { http: [HAPROXY, HAPROXY_HTTP_PORT], tcp: [HAPROXY, HAPROXY_TCP_PORT] },
        async fresh() {
          if (haproxy) {
            const exited = new Promise((resolve) => haproxy!.once('exit', resolve));
            haproxy.kill('SIGKILL');
            await exited;
          }
          haproxy = await net.start(NS, withOpenFiles(['haproxy', '-db', '-f', join(dir, 'haproxy.cfg')]));
          await ready(this.targets);
          return haproxy.pid!;
        },
      },
    ];

    const loadBefore = loadavg();
    const modes: [Mode, string][] = [
      ['http', 'HTTP keep-alive (one request answered on each, then idle)'],
      ['tcp', 'TCP (connected through the TCP listener to nginx, idle)'],
    ];
    const results = new Map<string, Measurement[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [mode] of modes) {
        for (const proxy of proxies) {
          const key = `${proxy.label} ${mode}`;
          results.set(key, [...(results.get(key) ?? []), await measure(net, proxy, mode)]);
        }
      }
    }

    const haproxyVersion = execFileSync('haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0];
    const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
    console.log(
      `${ROUNDS} alternating rounds of ${CONNECTIONS} idle connections per figure, opened ${CONCURRENCY} at a time, RSS read after ${IDLE_MS} ms ` +
        `idle; weir proxy.workers 1; ${haproxyVersion}, nbthread 1; ` +
        `machine load average ${load(loadBefore)} before, ${load(loadavg())} after`,
    );
    for (const [mode, title] of modes) {
      console.log(title);
      const perConnection = (label: string) => median(results.get(`${label} ${mode}`)!.map((m) => m.perConnection));
      for (const proxy of proxies) {
        const rounds = results.get(`${proxy.label} ${mode}`)!;
        const each = (pick: (m: Measurement) => string) => rounds.map(pick).join('/');
        console.log(
          `  ${proxy.label.padEnd(7)} ${perConnection(proxy.label).toFixed(0).padStart(7)} bytes/connection ` +
            `(${ratio(perConnection(proxy.label), perConnection('HAProxy'), 'HAProxy')}, median)`,
        );
        console.log(
          `          rounds ${each((m) => m.perConnection.toFixed(0))} bytes/connection (over all ` +
            `${CONNECTIONS}, start-up included: ${each((m) => m.overall.toFixed(0))}); RSS MiB ` +
            `${each((m) => `${mib(m.before)}->${mib(m.middle)}->${mib(m.after)}`)}; held ${each((m) => String(m.held))}, ` +
            `nginx held ${each((m) => String(m.backendHeld))}, failed ${each((m) => String(m.failed))}, ` +
            `closed while idle ${each((m) => String(m.closedMeanwhile))}`,
        );
      }
    }
  } finally {
    await weir.stop();
  }
});
