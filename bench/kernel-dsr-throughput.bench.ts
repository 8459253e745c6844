/**
 * Kernel DSR against plain routing and against kernel NAT, in the same run and the same topology, in network
 * namespaces of its own: bulk TCP throughput (iperf3, client to server and `-R`, server to client) and new TCP
 * connections per second, in alternating rounds, medians printed with their ratios to plain routing; and, counted
 * during the DSR runs, the packets and bytes weir's node, the member and the router sent and received, by kind.
 * Run (root; needs iperf3, nft, conntrack, taskset): node --import tsx bench/kernel-dsr-throughput.bench.ts
 * Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS per measurement (default 3).
 *
 *   client 198.51.100.2 --- c0 [ rtr 198.51.100.1, 10.88.0.1 ] eth1 --- p-rtr [ sw: bridge br0 ]
 *                                 lb (weir, 10.88.0.2; VIPs on eth0) eth0 --- p-lb [ sw ]
 *                          m1 (10.88.0.11, 10.88.0.21; DSR VIP on lo) eth0 --- p-m1 [ sw ]
 *
 * Plain routing: the client reaches m1's 10.88.0.11 through rtr. DSR: rtr resolves the VIP 192.0.2.10 on-link, weir's
 * node answers (weir put it on its eth0) and hands each frame to m1 (prepared by `weir dsr-member --run`), which
 * answers from the VIP on lo straight to rtr. NAT: the VIP 192.0.2.11 on the same subnet is DNATed by weir's node to
 * m1's second address 10.88.0.21, whose answers m1 routes back through weir's node (a source rule, table 100), as a
 * stateful NAT needs. The switch counts every frame it forwards (bridge family, forward hook) by the port it came in
 * and went out on; the interfaces' own counters (`ip -s link`) are printed beside. Both count the kernel's packets,
 * which on veths are segmentation-offloaded ones of up to 64 KB, not 1500-byte frames. Pinning, on this 2-core machine:
 * the iperf3 client and server, the connection loop and its server on CPU 1; weir is idle during the runs.
 * Routing, bridging, the DSR ingress hook and NAT run in softirq on the CPU that sends the packet (veths hand packets
 * over on the sender's CPU), so that work lands on CPU 1 too.
 */
import { repoRoot } from '../test/e2e/support/weir-process.ts';
import {
  type BenchNamespaces,
  type Count,
  type LinkStats,
  median,
  requireRootAnd,
  withNamespaces,
} from './support/bench-namespaces.ts';
import { createLoadBalancer, startBenchWeir } from './support/bench-weir.ts';
import { CONNECT_CONCURRENCY, connections, iperf, ratio, startTcpServers } from './support/tcp-load.ts';

requireRootAnd(['iperf3', 'nft', 'conntrack', 'taskset']);

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ENDPOINT_CPU = 1;
const MEMBER = '10.88.0.11';
/** m1's address for the NAT load balancer: its answers go back through weir's node. */
const NAT_MEMBER = '10.88.0.21';
const DSR_VIP = '192.0.2.10';
const NAT_VIP = '192.0.2.11';
const IPERF_PORT = 5201;
const CONNECT_PORT = 8080;
/** The namespaces the switch has a port to, with the interface on their side. */
const ON_SWITCH = [
  ['rtr', 'eth1'],
  ['lb', 'eth0'],
  ['m1', 'eth0'],
] as const;
type Node = (typeof ON_SWITCH)[number][0];
const KINDS = ['requests', 'replies', 'other'] as const;
type Kind = (typeof KINDS)[number];
const DIRECTIONS = ['received', 'sent'] as const;
type Direction = (typeof DIRECTIONS)[number];
/** Per node on the switch, direction (seen from the node) and kind of frame: what the switch forwarded. */
type Frames = Record<Node, Record<Direction, Record<Kind, Count>>>;

const MEASURES = ['upload', 'download', 'connections'] as const;
type Measure = (typeof MEASURES)[number];
const MEASURE_LABEL: Record<Measure, string> = {
  upload: 'iperf3 client -> server',
  download: 'iperf3 -R, server -> client',
  connections: `new TCP connections (${CONNECT_CONCURRENCY} at a time)`,
};

function build(net: BenchNamespaces): void {
  net.link('client', 'eth0', 'rtr', 'c0');
  net.bridge('sw', 'br0', ON_SWITCH);
  net.address('client', 'eth0', '198.51.100.2/24');
  net.route('client', 'default', '198.51.100.1');
  net.address('rtr', 'c0', '198.51.100.1/24');
  net.address('rtr', 'eth1', '10.88.0.1/24');
  // On-link: rtr asks who has a VIP, and weir's node answers.
  net.run('rtr', ['ip', 'route', 'add', '192.0.2.0/24', 'dev', 'eth1']);
  net.address('lb', 'eth0', '10.88.0.2/24');
  net.route('lb', 'default', '10.88.0.1');
  net.address('m1', 'eth0', `${MEMBER}/24`);
  net.address('m1', 'eth0', `${NAT_MEMBER}/24`);
  net.route('m1', 'default', '10.88.0.1');
  net.run('m1', ['ip', 'rule', 'add', 'from', NAT_MEMBER, 'lookup', '100']);
  net.run('m1', ['ip', 'route', 'add', 'default', 'via', '10.88.0.2', 'table', '100']);
  net.run('rtr', ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  // weir's node forwards NAT traffic out of the interface it came in on; it must not tell rtr to go round it.
  net.run('lb', ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.send_redirects=0']);
  net.run('lb', ['sysctl', '-qw', 'net.ipv4.conf.eth0.send_redirects=0']);
  // The member is prepared by weir's own command, run inside its namespace.
  const dsrMember = [process.execPath, '--import', 'tsx', `${repoRoot}/src/cli/main.ts`, 'dsr-member', DSR_VIP];
  net.run('m1', [...dsrMember, '--interface', 'eth0', '--run']);
  // Room for the connection loop's short-lived connections without reusing a port still in TIME_WAIT.
  net.run('client', ['sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535']);
  net.run('sw', ['nft', '-f', '-'], 15_000, switchCounters());
}

const counterName = (node: Node, direction: Direction, kind: Kind) => `${node}_${direction}_${kind}`;

/**
 * The switch's counters: every frame it forwards is counted once as sent by the node on its way in and once as
 * received by the node on its way out; TCP to the DSR VIP is a request, TCP from it a reply, anything else other.
 */
function switchCounters(): string {
  const lines = ['table bridge weir_bench_obs {'];
  const forward = ['  chain forward {', '    type filter hook forward priority 0; policy accept;'];
  for (const [node] of ON_SWITCH) {
    for (const direction of DIRECTIONS) {
      for (const kind of KINDS) lines.push(`  counter ${counterName(node, direction, kind)} {}`);
      lines.push(
        `  chain ${node}_${direction} {`,
        `    ip daddr ${DSR_VIP} meta l4proto tcp counter name ${counterName(node, direction, 'requests')} return`,
        `    ip saddr ${DSR_VIP} meta l4proto tcp counter name ${counterName(node, direction, 'replies')} return`,
        `    counter name ${counterName(node, direction, 'other')}`,
        '  }',
      );
      forward.push(`    ${direction === 'sent' ? 'iifname' : 'oifname'} "p-${node}" jump ${node}_${direction}`);
    }
  }
  return [...lines, ...forward, '  }', '}', ''].join('\n');
}

/** The switch's counters since they were last read, and zeroes them. */
function readFrames(net: BenchNamespaces): Frames {
  const listed = JSON.parse(net.run('sw', ['nft', '-j', 'reset', 'counters', 'table', 'bridge', 'weir_bench_obs'])) as {
    nftables: { counter?: { name: string; packets: number; bytes: number } }[];
  };
  const byName = new Map(listed.nftables.flatMap((o) => (o.counter ? [[o.counter.name, o.counter]] : [])));
  const frames = {} as Frames;
  for (const [node] of ON_SWITCH) {
    frames[node] = {} as Frames[Node];
    for (const direction of DIRECTIONS) {
      frames[node][direction] = {} as Record<Kind, Count>;
      for (const kind of KINDS) {
        const counter = byName.get(counterName(node, direction, kind));
        frames[node][direction][kind] = { packets: counter?.packets ?? 0, bytes: counter?.bytes ?? 0 };
      }
    }
  }
  return frames;
}

function linkStats(net: BenchNamespaces): Record<Node, LinkStats> {
  return Object.fromEntries(ON_SWITCH.map(([node, device]) => [node, net.linkStats(node, device)])) as Record<
    Node,
    LinkStats
  >;
}

const add = (a: Count, b: Count): Count => ({ packets: a.packets + b.packets, bytes: a.bytes + b.bytes });
const zero = (): Count => ({ packets: 0, bytes: 0 });
const show = (count: Count) => `${count.packets} pkt ${count.bytes} B`;

/** What the DSR runs of one measure added up to, over every round. */
class Tally {
  readonly frames = noFrames();
  readonly links = Object.fromEntries(ON_SWITCH.map(([node]) => [node, { rx: zero(), tx: zero() }])) as Record<
    Node,
    LinkStats
  >;

  /** Runs `measure` with the counters zeroed first and adds what they counted meanwhile. */
  during<T>(net: BenchNamespaces, measure: () => T): T {
    readFrames(net);
    const before = linkStats(net);
    const result = measure();
    const after = linkStats(net);
    const frames = readFrames(net);
    for (const [node] of ON_SWITCH) {
      for (const direction of DIRECTIONS) {
        for (const kind of KINDS) {
          this.frames[node][direction][kind] = add(this.frames[node][direction][kind], frames[node][direction][kind]);
        }
      }
      for (const way of ['rx', 'tx'] as const) {
        const delta = {
          packets: after[node][way].packets - before[node][way].packets,
          bytes: after[node][way].bytes - before[node][way].bytes,
        };
        this.links[node][way] = add(this.links[node][way], delta);
      }
    }
    return result;
  }
}

function noFrames(): Frames {
  return Object.fromEntries(
    ON_SWITCH.map(([node]) => [
      node,
      Object.fromEntries(
        DIRECTIONS.map((direction) => [direction, Object.fromEntries(KINDS.map((kind) => [kind, zero()]))]),
      ),
    ]),
  ) as Frames;
}

interface Target {
  label: string;
  host: string;
}

await withNamespaces('dsr', ['client', 'rtr', 'sw', 'lb', 'm1'], async (net) => {
  build(net);
  await startTcpServers(net, 'm1', { iperf: IPERF_PORT, connect: CONNECT_PORT }, ENDPOINT_CPU);
  const weir = await startBenchWeir(net.ns('lb'), {
    cidr: '192.0.2.0/24',
    first: DSR_VIP,
    last: NAT_VIP,
    device: 'eth0',
  });
  try {
    const listeners = (address: string) =>
      [IPERF_PORT, CONNECT_PORT].map((port) => ({ port, member: { address, port } }));
    const dsr = await createLoadBalancer(weir, listeners(MEMBER), 'dsr');
    const nat = await createLoadBalancer(weir, listeners(NAT_MEMBER), 'nat');
    if (dsr.vip !== DSR_VIP || nat.vip !== NAT_VIP) throw new Error(`VIPs ${dsr.vip} and ${nat.vip}`);

    const targets: Target[] = [
      { label: `routing to ${MEMBER}`, host: MEMBER },
      { label: `weir dsr VIP ${DSR_VIP}`, host: DSR_VIP },
      { label: `weir nat VIP ${NAT_VIP}`, host: NAT_VIP },
    ];
    const DSR = 1;
    const load = { seconds: SECONDS, cpu: ENDPOINT_CPU };
    const figures = Object.fromEntries(MEASURES.map((m) => [m, targets.map(() => [] as number[])])) as Record<
      Measure,
      number[][]
    >;
    const errors = targets.map(() => 0);
    const tallies = Object.fromEntries(MEASURES.map((m) => [m, new Tally()])) as Record<Measure, Tally>;
    const run: Record<Measure, (host: string, i: number) => number> = {
      upload: (host) => iperf(net, 'client', [host, IPERF_PORT], load),
      download: (host) => iperf(net, 'client', [host, IPERF_PORT], { ...load, reverse: true }),
      connections: (host, i) => {
        // Each measurement starts with no tracked flows on weir's node: the last one's leave thousands in TIME_WAIT.
        net.run('lb', ['conntrack', '-F'], 30_000);
        const result = connections(net, 'client', [host, CONNECT_PORT], load);
        errors[i]! += result.errors;
        return result.perSecond;
      },
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const measure of MEASURES) {
        for (const [i, target] of targets.entries()) {
          const once = () => run[measure](target.host, i);
          figures[measure][i]!.push(i === DSR ? tallies[measure].during(net, once) : once());
        }
      }
    }

    console.log(
      `${ROUNDS} alternating rounds of ${SECONDS} s per measurement. Where things run: iperf3 client and the ` +
        `connection loop (Node) in client, iperf3 server and the one-byte server in m1, all pinned to CPU ` +
        `${ENDPOINT_CPU}; routing in rtr; bridging and counting in sw; weir (dsr and nat) in lb, idle during the ` +
        `runs; forwarding, DSR and NAT in softirq on the sending CPU.`,
    );
    for (const measure of MEASURES) {
      const unit = measure === 'connections' ? 'conn/s' : 'Gbit/s';
      const medians = figures[measure].map(median);
      console.log(`${MEASURE_LABEL[measure]}, median ${unit}:`);
      for (const [i, target] of targets.entries()) {
        const digits = measure === 'connections' ? 0 : 2;
        const failed = measure === 'connections' ? `, ${errors[i]} failed` : '';
        console.log(
          `  ${target.label.padEnd(26)} ${medians[i]!.toFixed(digits).padStart(7)} ` +
            `(${ratio(medians[i]!, medians[0]!, 'routing')}${failed}); ` +
            `rounds ${figures[measure][i]!.map((v) => v.toFixed(digits)).join('/')}`,
        );
      }
    }

    console.log(
      `Counted during the dsr runs (all ${ROUNDS} rounds), frames the switch forwarded by the node that sent or ` +
        `received them (requests: TCP to ${DSR_VIP}, replies: TCP from it, other: anything else; bytes of IP ` +
        `packets), and the interfaces' own counters (ip -s link, rx = received by the node; bytes with the ` +
        `14-byte Ethernet header). Veths carry segmentation-offloaded packets of up to 64 KB: packets are the ` +
        `kernel's, not 1500-byte frames.`,
    );
    const NAMES: Record<Node, string> = { rtr: 'router rtr eth1', lb: "weir's node lb eth0", m1: 'member m1 eth0' };
    let repliesThroughWeir = zero();
    for (const measure of MEASURES) {
      const { frames, links } = tallies[measure];
      console.log(`  ${MEASURE_LABEL[measure]}:`);
      for (const [node] of ON_SWITCH) {
        const kinds = (direction: Direction) => KINDS.map((k) => `${k} ${show(frames[node][direction][k])}`);
        console.log(
          `    ${NAMES[node].padEnd(20)} received: ${kinds('received').join(', ')}; sent: ${kinds('sent').join(', ')}`,
        );
        console.log(`    ${''.padEnd(20)} ip -s link: rx ${show(links[node].rx)}, tx ${show(links[node].tx)}`);
      }
      const memberBytes = links.m1.rx.bytes + links.m1.tx.bytes;
      const share = (100 * links.lb.rx.bytes) / memberBytes;
      console.log(
        `    weir's node received ${share.toPrecision(3)}% of the bytes the member received and sent; ` +
          `replies through weir's node: ${show(add(frames.lb.received.replies, frames.lb.sent.replies))}`,
      );
      repliesThroughWeir = add(repliesThroughWeir, add(frames.lb.received.replies, frames.lb.sent.replies));
    }
    console.log(
      `DSR replies through weir's node: ${show(repliesThroughWeir)}: ` +
        `${repliesThroughWeir.packets === 0 ? 'none, as DSR promises' : 'NOT 0'}`,
    );
  } finally {
    await weir.stop();
  }
});
