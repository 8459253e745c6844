/**
 * weir's TLS termination (`TERMINATED_HTTPS` listeners) against HAProxy 2.6 (`bind ... ssl`), in the same run, in a
 * network namespace of its own (loopback only), with the same certificates, protocol versions and cipher suites:
 * - full TLS handshakes per second, one HTTP/1.1 request each, for ECDSA P-256 and RSA 2048 certificates under
 *   TLS 1.3 and TLS 1.2 (h2load in bursts of BURST new connections; h2load never resumes a session);
 * - HTTPS keep-alive requests per second (wrk -c64, ECDSA, TLS 1.3);
 * - HTTP/2 requests per second (h2load -c64 -m10) beside HTTP/1.1 through the same listener (h2load --h1 -c64).
 * Medians of alternating rounds, with the ratios weir/HAProxy, each figure also per second of the proxy's CPU time.
 * Run (root; needs wrk, h2load, haproxy, nginx, openssl, curl, taskset): node --import tsx bench/tls-proxy.bench.ts
 * Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS per measurement (default 5), BENCH_ONLY (`handshakes`,
 * `keep-alive` or `h2`: those figures alone).
 *
 * Backend: nginx on 127.0.0.1:18080 (as in http-proxy.bench.ts). weir, compiled, with `proxy.workers: 1`, has one
 * `proxy` load balancer on 127.0.100.1 whose listeners take their certificates from weir's key manager (PKCS#12
 * secrets, as Octavia's users store them in Barbican). Pinning: the proxy under test (HAProxy, or weir's whole
 * process tree) on CPU 0; h2load, wrk and nginx on CPU 1. For ECDSA the client's work per handshake (verifying the
 * signature) is about the server's (signing), so CPU 1 limits both proxies alike: read the per-CPU-second ratio.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pkcs12, TestCa, type TestKeyType } from '../test/support/test-pki.ts';
import { haproxyConfig } from './support/bench-haproxy.ts';
import { type BenchNamespaces, requireRootAnd, withNamespaces } from './support/bench-namespaces.ts';
import { startBenchNginx } from './support/bench-nginx.ts';
import { CONNECTIONS, LOAD_CPU, ONLY, PROXY_CPU, ROUNDS, SECONDS } from './support/bench-settings.ts';
import { startProxyBenchWeir } from './support/bench-weir.ts';
import { pinProcess } from './support/process-cpu.ts';
import { BACKEND, HAPROXY, NGINX_PORT } from './support/proxy-bench-ports.ts';
import { charged, report, type Sample, verdict } from './support/proxy-figures.ts';
import { runWrk } from './support/wrk-load.ts';

requireRootAnd(
  ['wrk', 'h2load', 'haproxy', 'nginx', 'openssl', 'curl', 'taskset'],
  'wrk nghttp2-client haproxy nginx openssl curl',
);

const NS = 'tls';
/** New connections h2load opens at once in a handshake burst; bursts follow each other for SECONDS. */
const BURST = 400;
/** The issue's bar: the share of HAProxy's figures weir must reach. */
const TARGET = 0.8;
const SERVER_NAME = 'bench.weir.test';

/** One certificate type under one protocol version, and the one cipher suite both proxies and the client use. */
interface TlsSetup {
  key: string;
  keyType: TestKeyType;
  version: 'TLSv1.2' | 'TLSv1.3';
  cipher: string;
  /** The ports HAProxy and weir listen on for it. */
  haproxyPort: number;
  weirPort: number;
}

const SETUPS: TlsSetup[] = [
  { key: 'ECDSA P-256, TLS 1.3', keyType: 'ec', version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
  { key: 'ECDSA P-256, TLS 1.2', keyType: 'ec', version: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
  { key: 'RSA 2048, TLS 1.3', keyType: 'rsa', version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
  { key: 'RSA 2048, TLS 1.2', keyType: 'rsa', version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' },
].map((setup, i) => ({
  ...(setup as Omit<TlsSetup, 'haproxyPort' | 'weirPort'>),
  haproxyPort: 18443 + i,
  weirPort: 18453 + i,
}));

interface Proxy {
  label: string;
  pid: number;
  address: string;
  port: (setup: TlsSetup) => number;
}

/** h2load's options that make it offer exactly `setup`'s cipher suite. */
const clientCipher = (setup: TlsSetup): string[] =>
  setup.version === 'TLSv1.3' ? [`--tls13-ciphers=${setup.cipher}`] : [`--ciphers=${setup.cipher}`];

interface H2load {
  succeeded: number;
  failed: number;
  perSecond: number;
}

function runH2load(net: BenchNamespaces, args: readonly string[], seconds: number, protocol: string): H2load {
  const out = net.run(NS, ['taskset', '-c', String(LOAD_CPU), 'h2load', ...args], (seconds + 30) * 1000);
  if (!out.includes(`Application protocol: ${protocol}`)) throw new Error(`h2load did not speak ${protocol}:\n${out}`);
  const requests = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out);
  const rate = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out);
  if (!requests || !rate) throw new Error(`h2load printed no totals:\n${out}`);
  return {
    succeeded: Number(requests[1]),
    failed: Number(requests[2]) + Number(requests[3]),
    perSecond: Number(rate[1]),
  };
}

/** Bursts of BURST new TLS connections, one request each, for SECONDS: full handshakes per second. */
function handshakeSample(net: BenchNamespaces, proxy: Proxy, nginxPid: number, setup: TlsSetup): Sample {
  const url = `https://${proxy.address}:${proxy.port(setup)}/`;
  let failed = 0;
  const { result, ...cpu } = charged(proxy.pid, nginxPid, () => {
    const started = performance.now();
    let done = 0;
    for (let burst = 0; burst < 10_000 && performance.now() - started < SECONDS * 1000; burst++) {
      const args = ['--h1', '-n', String(BURST), '-c', String(BURST), ...clientCipher(setup), url];
      const run = runH2load(net, args, 30, 'http/1.1');
      done += run.succeeded;
      failed += run.failed;
    }
    return { amount: done, perSecond: done / ((performance.now() - started) / 1000) };
  });
  return { ...cpu, perSecond: result.perSecond, errors: failed };
}

function keepAliveSample(net: BenchNamespaces, proxy: Proxy, nginxPid: number, setup: TlsSetup): Sample {
  const url = `https://${proxy.address}:${proxy.port(setup)}/`;
  const { result, ...cpu } = charged(proxy.pid, nginxPid, () => {
    const wrk = runWrk(net, url, { ns: NS, cpu: LOAD_CPU, connections: CONNECTIONS, seconds: SECONDS });
    return { ...wrk, amount: wrk.requests };
  });
  return { ...cpu, perSecond: result.perSecond, p50Ms: result.p50Ms, p99Ms: result.p99Ms, errors: result.errors };
}

/** h2load for SECONDS over CONNECTIONS connections: HTTP/2 with 10 streams each, or HTTP/1.1 one at a time. */
function h2loadSample(net: BenchNamespaces, proxy: Proxy, nginxPid: number, setup: TlsSetup, h2: boolean): Sample {
  const url = `https://${proxy.address}:${proxy.port(setup)}/`;
  const protocol = h2 ? ['-m', '10'] : ['--h1'];
  const { result, ...cpu } = charged(proxy.pid, nginxPid, () => {
    const run = runH2load(
      net,
      [...protocol, '-c', String(CONNECTIONS), '-t', '1', '-D', String(SECONDS), url],
      SECONDS,
      h2 ? 'h2' : 'http/1.1',
    );
    return { ...run, amount: run.succeeded };
  });
  return { ...cpu, perSecond: result.perSecond, errors: result.failed };
}

await withNamespaces('tls', [NS], async (net) => {
  net.run(NS, ['sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535', 'net.ipv4.tcp_tw_reuse=1']);
  const { weir, dir } = await startProxyBenchWeir(net, NS);
  try {
    const ca = TestCa.create(dir, 'bench ca');
    const certificates = new Map(
      (['ec', 'rsa'] as const).map((keyType) => [
        keyType,
        ca.issue({ commonName: SERVER_NAME, dnsNames: [SERVER_NAME], keyType }),
      ]),
    );
    for (const [keyType, certificate] of certificates) {
      writeFileSync(join(dir, `${keyType}.pem`), certificate.chainPem + certificate.keyPem);
    }
    writeFileSync(
      join(dir, 'haproxy.cfg'),
      haproxyConfig(
        8000,
        30,
        SETUPS.map((setup, i) => ({
          name: `tls${i}`,
          mode: 'http' as const,
          bind: [HAPROXY, setup.haproxyPort] as const,
          bindOptions:
            `ssl crt ${join(dir, `${setup.keyType}.pem`)} alpn h2,http/1.1 ` +
            `ssl-min-ver ${setup.version} ssl-max-ver ${setup.version} ` +
            (setup.version === 'TLSv1.3' ? `ciphersuites ${setup.cipher}` : `ciphers ${setup.cipher}`),
          server: [BACKEND, NGINX_PORT] as const,
        })),
      ),
    );
    const nginx = await startBenchNginx(net, NS, dir, [BACKEND, NGINX_PORT], { cpu: LOAD_CPU });
    const haproxy = await net.start(NS, ['haproxy', '-db', '-f', join(dir, 'haproxy.cfg')], { cpu: PROXY_CPU });

    const refs = new Map(
      [...certificates].map(([keyType, certificate]) => {
        const stored = weir.api('POST', '/v1/secrets', {
          name: `bench ${keyType}`,
          payload: pkcs12(ca, certificate).toString('base64'),
          payload_content_type: 'application/octet-stream',
          payload_content_encoding: 'base64',
        });
        if (stored.status !== 201) throw new Error(`storing a secret: ${stored.status} ${JSON.stringify(stored.json)}`);
        return [keyType, stored.json.secret_ref as string];
      }),
    );
    const lb = await weir.loadBalancer('vips', { provider: 'proxy', name: 'bench' });
    for (const setup of SETUPS) {
      await weir.listenerWithPool(lb.id, {
        protocol: 'TERMINATED_HTTPS',
        poolProtocol: 'HTTP',
        port: setup.weirPort,
        algorithm: 'ROUND_ROBIN',
        members: [{ address: BACKEND, protocol_port: NGINX_PORT }],
        listener: {
          default_tls_container_ref: refs.get(setup.keyType),
          tls_versions: [setup.version],
          ...(setup.version === 'TLSv1.2' ? { tls_ciphers: setup.cipher } : {}),
          alpn_protocols: ['h2', 'http/1.1'],
        },
      });
    }
    const proxies: Proxy[] = [
      { label: 'weir', pid: weir.pid, address: lb.vip_address, port: (setup) => setup.weirPort },
      { label: 'HAProxy', pid: haproxy.pid!, address: HAPROXY, port: (setup) => setup.haproxyPort },
    ];
    pinProcess(weir.pid, PROXY_CPU);
    const [modern] = SETUPS;
    for (const proxy of proxies) {
      // Each listener answers under its version; and V8 compiles weir's hot paths before the first round.
      for (const setup of SETUPS) {
        const url = `https://${proxy.address}:${proxy.port(setup)}/`;
        const version = setup.version.slice('TLSv'.length);
        const said = net.run(NS, [
          'curl',
          '-sk',
          `--tlsv${version}`,
          '--tls-max',
          version,
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          url,
        ]);
        if (said !== '200') throw new Error(`${proxy.label} ${setup.key}: curl said "${said}"`);
      }
      runWrk(net, `https://${proxy.address}:${proxy.port(modern!)}/`, {
        ns: NS,
        cpu: LOAD_CPU,
        connections: CONNECTIONS,
        seconds: 2,
      });
    }

    const loadBefore = loadavg();
    const allFigures = [
      ...SETUPS.map((setup) => ({
        key: 'handshakes',
        name: `handshakes/s, ${setup.key}`,
        title: `Full TLS handshakes, one request each (${setup.key}, ${setup.cipher}; h2load --h1 bursts of ${BURST})`,
        unit: 'hs/s',
        perCpuUnit: 'hs/CPU-s',
        digits: 0,
        bar: true,
        sample: (proxy: Proxy) => handshakeSample(net, proxy, nginx.pid!, setup),
      })),
      {
        key: 'keep-alive',
        name: 'HTTPS keep-alive req/s',
        title: `HTTPS keep-alive, HTTP/1.1 (wrk -c${CONNECTIONS} -t1, ${modern!.key})`,
        unit: 'req/s',
        perCpuUnit: 'req/CPU-s',
        digits: 0,
        bar: true,
        sample: (proxy: Proxy) => keepAliveSample(net, proxy, nginx.pid!, modern!),
      },
      {
        key: 'h2',
        name: 'HTTP/1.1 over TLS req/s',
        title: `HTTP/1.1 over TLS (h2load --h1 -c${CONNECTIONS}, ${modern!.key})`,
        unit: 'req/s',
        perCpuUnit: 'req/CPU-s',
        digits: 0,
        bar: false,
        sample: (proxy: Proxy) => h2loadSample(net, proxy, nginx.pid!, modern!, false),
      },
      {
        key: 'h2',
        name: 'HTTP/2 req/s',
        title: `HTTP/2 (h2load -c${CONNECTIONS} -m10, ${modern!.key})`,
        unit: 'req/s',
        perCpuUnit: 'req/CPU-s',
        digits: 0,
        bar: false,
        sample: (proxy: Proxy) => h2loadSample(net, proxy, nginx.pid!, modern!, true),
      },
    ];
    const figures = allFigures.filter((figure) => ONLY === undefined || figure.key === ONLY);
    if (figures.length === 0) throw new Error(`BENCH_ONLY=${ONLY}: not one of handshakes, keep-alive, h2`);
    const samples = figures.map(() => proxies.map(() => [] as Sample[]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [f, figure] of figures.entries()) {
        for (const [p, proxy] of proxies.entries()) {
          samples[f]![p]!.push(figure.sample(proxy));
          await sleep(0);
        }
      }
    }

    const haproxyVersion = execFileSync('haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0];
    const openssl = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
    const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
    console.log(
      `${ROUNDS} alternating rounds of ${SECONDS} s per figure; proxy on CPU ${PROXY_CPU} (weir: every thread, ` +
        `proxy.workers 1), h2load/wrk/nginx on CPU ${LOAD_CPU}; ${haproxyVersion}, nbthread 1; ${openssl}; ` +
        `Node ${process.version}; machine load average ${load(loadBefore)} before, ${load(loadavg())} after`,
    );
    const labels = proxies.map((proxy) => proxy.label);
    const shares = figures.map((figure, f) => {
      const [weirMedian, haproxyMedian] = report(figure, labels, samples[f]!);
      return weirMedian! / haproxyMedian!;
    });
    console.log('Targets (medians, weir/HAProxy):');
    for (const [f, figure] of figures.entries()) {
      if (figure.bar) verdict(figure.name, shares[f]!, TARGET, true);
    }
  } finally {
    await weir.stop();
  }
});
