/**
 * weir's `proxy` provider against HAProxy 2.6, in the same run, in a network namespace of its own (loopback only):
 * HTTP/1.1 keep-alive requests per second with p50/p99 latency, new connections per second (one request each), and
 * TCP bulk throughput, in alternating rounds; medians printed with the ratios weir/HAProxy, each figure also per
 * second of the proxy's CPU time, and whether the targets of the fast-path issue hold.
 * Run (root; needs wrk, haproxy, nginx, iperf3, curl, taskset): node --import tsx bench/http-proxy.bench.ts
 * Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS per measurement (default 5), BENCH_ONLY (`keep-alive`, `browser`,
 * `connections` or `bulk`: that figure alone, without the warm-up and nginx direct when it is `bulk`).
 *
 * Backend: nginx (one process, `return 200` with a 13-byte body) on 127.0.0.1:18080, and an iperf3 server on
 * 127.0.0.1:15201. weir, compiled (`dist/`), with `proxy.workers: 1` (the proxy in one worker process, as by default
 * one per core), has one `proxy` load balancer on 127.0.100.1: an HTTP listener (X-Forwarded-For inserted) and a TCP
 * listener, each with a ROUND_ROBIN pool of one member. HAProxy (`nbthread 1`) has a `mode http` frontend
 * (`option forwardfor`, `http-reuse always`) and a `mode tcp` one. Pinning, on this 2-core machine: the proxy under
 * test (HAProxy, or every thread of weir and of its worker, whose CPU time counts as weir's) on CPU 0;
 * wrk, iperf3 (client and server) and nginx on CPU 1. Loopback delivers a packet on the sender's CPU, so the kernel's
 * receive work is split between the two the same way for both proxies. Before the rounds, each proxy gets an
 * unmeasured 2 s of keep-alive load (V8 compiles weir's hot paths), and nginx alone is measured once as context.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { haproxyConfig } from './support/bench-haproxy.ts';
import { type BenchNamespaces, median, requireRootAnd, withNamespaces } from './support/bench-namespaces.ts';
import { startBenchNginx, waitFor200 } from './support/bench-nginx.ts';
import { CONNECTIONS, LOAD_CPU, ONLY, PROXY_CPU, ROUNDS, SECONDS } from './support/bench-settings.ts';
import { startProxyBenchWeir } from './support/bench-weir.ts';
import { pinProcess } from './support/process-cpu.ts';
import {
  BACKEND,
  HAPROXY,
  HAPROXY_HTTP_PORT,
  HAPROXY_TCP_PORT,
  NGINX_PORT,
  WEIR_HTTP_PORT,
  WEIR_TCP_PORT,
} from './support/proxy-bench-ports.ts';
import { charged, type FigureFormat, report, type Sample, verdict } from './support/proxy-figures.ts';
import { iperf } from './support/tcp-load.ts';
import { runWrk, type WrkOptions } from './support/wrk-load.ts';

requireRootAnd(['wrk', 'haproxy', 'nginx', 'iperf3', 'curl', 'taskset'], 'wrk haproxy nginx iperf3 curl');

const NS = 'http';
const IPERF_PORT = 15201;
const WARMUP_SECONDS = 2;
/** The bars: shares of HAProxy's figures weir must reach, and how much worse its p99 may be. */
const TARGETS = { keepAlive: 0.7, connections: 0.6, bulk: 0.9, p99: 2 };

const HAPROXY_CONFIG = haproxyConfig(8000, 30, [
  { name: 'http', mode: 'http', bind: [HAPROXY, HAPROXY_HTTP_PORT], server: [BACKEND, NGINX_PORT] },
  { name: 'bulk', mode: 'tcp', bind: [HAPROXY, HAPROXY_TCP_PORT], server: [BACKEND, IPERF_PORT] },
]);

interface Proxy {
  label: string;
  pid: number;
  http: string;
  bulk: [string, number];
}

/** TCP connections accepted in the namespace so far (`PassiveOpens`). */
function passiveOpens(net: BenchNamespaces): number {
  const lines = net
    .run(NS, ['cat', '/proc/net/snmp'])
    .split('\n')
    .filter((line) => line.startsWith('Tcp:'));
  const [names, values] = lines.map((line) => line.split(/\s+/));
  return Number(values![names!.indexOf('PassiveOpens')]);
}

/** wrk's settings for a measurement; `seconds` for a shorter run (the warm-up). */
const wrkOptions = (extra: readonly string[] = [], seconds = SECONDS): WrkOptions => ({
  ns: NS,
  cpu: LOAD_CPU,
  connections: CONNECTIONS,
  seconds,
  extra,
});

/** The fields a browser's page request carries besides Host (Firefox 128's, a cookie and a referrer added). */
const BROWSER_FIELDS = [
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'Accept-Language: en-US,en;q=0.5',
  'Accept-Encoding: gzip, deflate, br, zstd',
  'Referer: https://www.example.com/products/list?page=2',
  'Cookie: session=8f2c1e0b9d7a4c3e5b6a; theme=dark; consent=analytics',
  'Upgrade-Insecure-Requests: 1',
  'Sec-Fetch-Dest: document',
  'Sec-Fetch-Mode: navigate',
  'Sec-Fetch-Site: same-origin',
  'Sec-Fetch-User: ?1',
  'Priority: u=0, i',
].flatMap((field) => ['-H', field]);

function httpSample(
  net: BenchNamespaces,
  proxyPid: number,
  nginxPid: number,
  url: string,
  close: boolean,
  extra: readonly string[] = [],
): Sample {
  const accepted = passiveOpens(net);
  const { result, ...cpu } = charged(proxyPid, nginxPid, () => {
    const wrk = runWrk(net, url, wrkOptions(close ? ['-H', 'Connection: close', ...extra] : extra));
    return { ...wrk, amount: wrk.requests };
  });
  return {
    ...cpu,
    perSecond: result.perSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    acceptsPerRequest: (passiveOpens(net) - accepted) / result.requests,
  };
}

function bulkSample(net: BenchNamespaces, proxyPid: number, iperfPid: number, target: [string, number]): Sample {
  const { result, ...cpu } = charged(proxyPid, iperfPid, () => {
    const gbits = iperf(net, NS, target, { seconds: SECONDS, cpu: LOAD_CPU });
    return { gbits, amount: gbits * SECONDS };
  });
  return { ...cpu, perSecond: result.gbits };
}

interface Figure extends FigureFormat {
  key: 'keep-alive' | 'browser' | 'connections' | 'bulk';
  sample: (proxy: Proxy) => Sample;
}

await withNamespaces('http', [NS], async (net) => {
  // Room for the new-connection runs, whose closed connections linger in TIME_WAIT.
  net.run(NS, ['sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535', 'net.ipv4.tcp_tw_reuse=1']);
  const { weir, dir } = await startProxyBenchWeir(net, NS);
  try {
    writeFileSync(join(dir, 'haproxy.cfg'), HAPROXY_CONFIG);
    const nginx = await startBenchNginx(net, NS, dir, [BACKEND, NGINX_PORT], { cpu: LOAD_CPU });
    const iperfServer = await net.start(NS, ['iperf3', '-s', '--forceflush', '-B', BACKEND, '-p', String(IPERF_PORT)], {
      cpu: LOAD_CPU,
      ready: /listening/,
    });
    const haproxy = await net.start(NS, ['haproxy', '-db', '-f', join(dir, 'haproxy.cfg')], { cpu: PROXY_CPU });

    const lb = await weir.loadBalancer('vips', { provider: 'proxy', name: 'bench' });
    const member = (port: number) => [{ address: BACKEND, protocol_port: port }];
    await weir.listenerWithPool(lb.id, {
      protocol: 'HTTP',
      port: WEIR_HTTP_PORT,
      algorithm: 'ROUND_ROBIN',
      members: member(NGINX_PORT),
      listener: { insert_headers: { 'X-Forwarded-For': 'true' } },
    });
    await weir.listenerWithPool(lb.id, {
      protocol: 'TCP',
      port: WEIR_TCP_PORT,
      algorithm: 'ROUND_ROBIN',
      members: member(IPERF_PORT),
    });
    const proxies: Proxy[] = [
      {
        label: 'weir',
        pid: weir.pid,
        http: `http://${lb.vip_address}:${WEIR_HTTP_PORT}/`,
        bulk: [lb.vip_address, WEIR_TCP_PORT],
      },
      {
        label: 'HAProxy',
        pid: haproxy.pid!,
        http: `http://${HAPROXY}:${HAPROXY_HTTP_PORT}/`,
        bulk: [HAPROXY, HAPROXY_TCP_PORT],
      },
    ];
    pinProcess(proxies[0]!.pid, PROXY_CPU);
    const http = ONLY !== 'bulk';
    for (const proxy of proxies) {
      await waitFor200(net, NS, proxy.http);
      // Not measured: lets V8 compile weir's hot paths before the first round.
      if (http) runWrk(net, proxy.http, wrkOptions([], WARMUP_SECONDS));
    }

    const loadBefore = loadavg();
    // nginx alone, moved to CPU 0 for this run as a proxy under test would be, as context.
    pinProcess(nginx.pid!, PROXY_CPU);
    const direct = http ? httpSample(net, nginx.pid!, nginx.pid!, `http://${BACKEND}:${NGINX_PORT}/`, false) : null;
    pinProcess(nginx.pid!, LOAD_CPU);

    const allFigures: Figure[] = [
      {
        key: 'keep-alive',
        title: `HTTP/1.1 keep-alive (wrk -c${CONNECTIONS} -t1 --latency)`,
        unit: 'req/s',
        perCpuUnit: 'req/CPU-s',
        digits: 0,
        sample: (proxy) => httpSample(net, proxy.pid, nginx.pid!, proxy.http, false),
      },
      {
        key: 'browser',
        title: `HTTP/1.1 keep-alive, a browser's request fields (wrk -c${CONNECTIONS} -t1, ${BROWSER_FIELDS.length / 2} fields besides Host)`,
        unit: 'req/s',
        perCpuUnit: 'req/CPU-s',
        digits: 0,
        sample: (proxy) => httpSample(net, proxy.pid, nginx.pid!, proxy.http, false, BROWSER_FIELDS),
      },
      {
        key: 'connections',
        title: `New connections, one request each (wrk -c${CONNECTIONS} -t1 -H 'Connection: close')`,
        unit: 'conn/s',
        perCpuUnit: 'conn/CPU-s',
        digits: 0,
        sample: (proxy) => httpSample(net, proxy.pid, nginx.pid!, proxy.http, true),
      },
      {
        key: 'bulk',
        title: 'TCP bulk (iperf3, one stream, client to server)',
        unit: 'Gbit/s',
        perCpuUnit: 'Gbit/CPU-s',
        digits: 2,
        sample: (proxy) => bulkSample(net, proxy.pid, iperfServer.pid!, proxy.bulk),
      },
    ];
    const figures = allFigures.filter((figure) => ONLY === undefined || figure.key === ONLY);
    if (figures.length === 0) throw new Error(`BENCH_ONLY=${ONLY}: not one of ${allFigures.map((f) => f.key)}`);
    const labels = proxies.map((proxy) => proxy.label);
    const samples = figures.map(() => proxies.map(() => [] as Sample[]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [f, figure] of figures.entries()) {
        for (const [p, proxy] of proxies.entries()) {
          samples[f]![p]!.push(figure.sample(proxy));
          // A measurement blocks the event loop: let a SIGINT or SIGTERM that came meanwhile stop the run here.
          await sleep(0);
        }
      }
    }

    const haproxyVersion = execFileSync('haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0];
    const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
    console.log(
      `${ROUNDS} alternating rounds of ${SECONDS} s per figure; proxy on CPU ${PROXY_CPU} (weir: every thread, ` +
        `proxy.workers 1), wrk/iperf3/nginx on CPU ${LOAD_CPU}; ${haproxyVersion}, nbthread 1; ` +
        `machine load average ${load(loadBefore)} before, ${load(loadavg())} after`,
    );
    if (direct) {
      console.log(
        `nginx direct (nginx alone on CPU ${PROXY_CPU}, keep-alive): ${direct.perSecond.toFixed(0)} req/s, ` +
          `p50 ${direct.p50Ms!.toFixed(2)} ms, p99 ${direct.p99Ms!.toFixed(2)} ms, ` +
          `${direct.perCpuSecond.toFixed(0)} req/CPU-s, nginx CPU ${direct.proxyLoad.toFixed(2)}`,
      );
    }
    const medians = new Map(figures.map((figure, f) => [figure.key, report(figure, labels, samples[f]!)]));
    const share = (key: Figure['key']) => medians.get(key)![0]! / medians.get(key)![1]!;
    console.log('Targets (medians, weir/HAProxy):');
    if (medians.has('keep-alive')) {
      verdict('HTTP keep-alive req/s', share('keep-alive'), TARGETS.keepAlive, true);
    }
    if (medians.has('connections')) verdict('new connections/s', share('connections'), TARGETS.connections, true);
    if (medians.has('bulk')) verdict('TCP bulk Gbit/s', share('bulk'), TARGETS.bulk, true);
    const keepAliveAt = figures.findIndex((figure) => figure.key === 'keep-alive');
    if (keepAliveAt >= 0) {
      const p99 = proxies.map((_, p) => median(samples[keepAliveAt]![p]!.map((s) => s.p99Ms!)));
      verdict('keep-alive p99 latency', p99[0]! / p99[1]!, TARGETS.p99, false);
    }
  } finally {
    // nginx, iperf3 and HAProxy go with the namespace.
    await weir.stop();
  }
});
