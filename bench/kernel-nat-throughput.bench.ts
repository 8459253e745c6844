/**
 * Kernel NAT against plain routing and against HAProxy 2.6 in TCP mode, in the same run, in network namespaces of
 * its own: bulk TCP throughput (iperf3) and new TCP connections per second, in alternating rounds, medians printed
 * with their ratios to plain routing and to HAProxy.
 * Run (root; needs iperf3, haproxy, nft, taskset): node --import tsx bench/kernel-nat-throughput.bench.ts
 * Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS per measurement (default 3).
 *
 *   client 198.51.100.2 --- cl0 [ lb: weir (nat), HAProxy, ip_forward ] eth1 --- eth0 m1 10.77.0.11
 *   client 203.0.113.2  --- rc0 [ router: ip_forward, no nftables  ] eth1 --- eth1 m1 10.78.0.11
 *
 * Plain routing goes through `router`, a twin of `lb` that never loads nftables, so the baseline pays neither NAT
 * nor connection tracking; routing through `lb` itself, where weir's table makes the kernel track every flow, is
 * printed too. Pinning, on this 2-core machine: HAProxy (nbthread 1) on CPU 0; the iperf3 client and server and the
 * connection loop and its server on CPU 1. Routing and NAT run in softirq, on the CPU that sends the packet (a veth
 * hands packets over on the sender's CPU), so their work lands on CPU 1 next to the endpoints, while HAProxy has CPU
 * 0 to itself: the comparison favours HAProxy.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDataDir, removeDataDir } from '../test/e2e/support/weir-process.ts';
import { type BenchNamespaces, median, requireRootAnd, withNamespaces } from './support/bench-namespaces.ts';
import { createLoadBalancer, startBenchWeir } from './support/bench-weir.ts';
import { connections, iperf, ratio, startTcpServers } from './support/tcp-load.ts';

requireRootAnd(['iperf3', 'haproxy', 'nft', 'conntrack', 'taskset']);

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const LB_CPU = 0;
const ENDPOINT_CPU = 1;
const MEMBER = '10.77.0.11';
const IPERF_PORT = 5201;
const CONNECT_PORT = 8080;

interface Target {
  label: string;
  /** Where the client connects for bulk transfer and for the connection loop. */
  bulk: [string, number];
  connect: [string, number];
}

function haproxyConfig(): string {
  const frontend = (name: string, port: number, memberPort: number) => [
    `frontend ${name}`,
    `  bind 198.51.100.1:${port}`,
    `  default_backend ${name}`,
    `backend ${name}`,
    `  server m1 ${MEMBER}:${memberPort}`,
  ];
  return [
    'global',
    '  nbthread 1',
    '  maxconn 4000',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    ...frontend('bulk', IPERF_PORT + 1, IPERF_PORT),
    ...frontend('conns', CONNECT_PORT + 1, CONNECT_PORT),
    '',
  ].join('\n');
}

function build(net: BenchNamespaces): void {
  net.link('client', 'eth0', 'lb', 'cl0');
  net.link('client', 'eth1', 'router', 'rc0');
  net.link('lb', 'eth1', 'm1', 'eth0');
  net.link('router', 'eth1', 'm1', 'eth1');
  net.address('client', 'eth0', '198.51.100.2/24');
  net.address('client', 'eth1', '203.0.113.2/24');
  net.route('client', 'default', '198.51.100.1');
  net.route('client', '10.78.0.0/24', '203.0.113.1');
  net.address('lb', 'cl0', '198.51.100.1/24');
  net.address('lb', 'eth1', '10.77.0.1/24');
  net.address('router', 'rc0', '203.0.113.1/24');
  net.address('router', 'eth1', '10.78.0.1/24');
  net.address('m1', 'eth0', `${MEMBER}/24`);
  net.address('m1', 'eth1', '10.78.0.11/24');
  net.route('m1', 'default', '10.77.0.1');
  net.route('m1', '203.0.113.0/24', '10.78.0.1');
  for (const name of ['lb', 'router']) net.run(name, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  // Room for the connection loop's short-lived connections without reusing a port still in TIME_WAIT.
  net.run('client', ['sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535']);
}

await withNamespaces('tput', ['client', 'lb', 'router', 'm1'], async (net) => {
  build(net);
  await startTcpServers(net, 'm1', { iperf: IPERF_PORT, connect: CONNECT_PORT }, ENDPOINT_CPU);

  const weir = await startBenchWeir(net.ns('lb'));
  const haproxyDir = makeDataDir();
  try {
    const lb = await createLoadBalancer(weir, [
      { port: IPERF_PORT, member: { address: MEMBER, port: IPERF_PORT } },
      { port: CONNECT_PORT, member: { address: MEMBER, port: CONNECT_PORT } },
    ]);
    writeFileSync(join(haproxyDir, 'haproxy.cfg'), haproxyConfig());
    await net.start('lb', ['haproxy', '-db', '-f', join(haproxyDir, 'haproxy.cfg')], { cpu: LB_CPU });

    const targets: Target[] = [
      {
        label: 'routing (router ns, no nftables)',
        bulk: ['10.78.0.11', IPERF_PORT],
        connect: ['10.78.0.11', CONNECT_PORT],
      },
      { label: 'routing through lb (conntrack on)', bulk: [MEMBER, IPERF_PORT], connect: [MEMBER, CONNECT_PORT] },
      { label: 'weir nat provider (VIP)', bulk: [lb.vip, IPERF_PORT], connect: [lb.vip, CONNECT_PORT] },
      {
        label: 'HAProxy 2.6 mode tcp, nbthread 1',
        bulk: ['198.51.100.1', IPERF_PORT + 1],
        connect: ['198.51.100.1', CONNECT_PORT + 1],
      },
    ];
    const load = { seconds: SECONDS, cpu: ENDPOINT_CPU };
    const gbits = targets.map(() => [] as number[]);
    const rates = targets.map(() => [] as number[]);
    const errors = targets.map(() => 0);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, target] of targets.entries()) gbits[i]!.push(iperf(net, 'client', target.bulk, load));
      for (const [i, target] of targets.entries()) {
        // Each measurement starts with no tracked flows: the last one's leave tens of thousands in TIME_WAIT.
        net.run('lb', ['conntrack', '-F'], 30_000);
        const result = connections(net, 'client', target.connect, load);
        rates[i]!.push(result.perSecond);
        errors[i]! += result.errors;
      }
    }

    console.log(
      `${ROUNDS} alternating rounds of ${SECONDS} s each; HAProxy on CPU ${LB_CPU}; iperf3 client and server, ` +
        `connection loop (32 at a time, Node) and its server on CPU ${ENDPOINT_CPU}; forwarding and NAT in softirq`,
    );
    const routing = 0;
    const haproxy = targets.length - 1;
    const tput = gbits.map(median);
    const cps = rates.map(median);
    for (const [i, target] of targets.entries()) {
      console.log(
        `${target.label.padEnd(34)} ${tput[i]!.toFixed(2).padStart(6)} Gbit/s ` +
          `(${ratio(tput[i]!, tput[routing]!, 'routing')}, ${ratio(tput[i]!, tput[haproxy]!, 'HAProxy')}); ` +
          `${cps[i]!.toFixed(0).padStart(6)} conn/s (${ratio(cps[i]!, cps[routing]!, 'routing')}, ` +
          `${ratio(cps[i]!, cps[haproxy]!, 'HAProxy')}), ${errors[i]} failed; ` +
          `rounds ${gbits[i]!.map((g) => g.toFixed(2)).join('/')} Gbit/s, ${rates[i]!.map((r) => r.toFixed(0)).join('/')} conn/s`,
      );
    }
    const natShare = tput[2]! / tput[routing]!;
    console.log(
      `NAT throughput ${natShare.toFixed(3)}x plain routing: ${natShare >= 0.95 ? 'meets' : 'MISSES'} >= 0.95x`,
    );
  } finally {
    await weir.stop();
    removeDataDir(haproxyDir);
  }
});
