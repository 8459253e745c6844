// End to end, in network namespaces of its own: the `dsr` provider hands frames for a VIP to members on the same
// link by rewriting MAC addresses, and members (prepared by `weir dsr-member --run`) answer the client directly.
// For IPv4 and IPv6, TCP and UDP: members see the client's own address, replies reach the router from the
// members' MACs and never from weir's, weights 3:1 split flows about 3:1, a killed member leaves and returns with
// its health monitor, and a weir killed and restarted mid-traffic loses no connection.
//
//   client --- c0 [ rtr ] eth1 --- br0 [ sw ] --- lb (weir, 10.88.0.2), m1 (10.88.0.11), m2 (10.88.0.12)
//
// The router reaches the VIP subnets on its LAN side by ARP and neighbour discovery: weir puts the VIPs on lb's
// eth0 and answers; members hold them on lo and, prepared, keep quiet.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Json, NamespacedWeir, QUICK_TCP_MONITOR } from './support/namespaced-weir.ts';
import { kernelTestSkip, NetworkLab, run } from './support/network-lab.ts';
import { repoRoot } from './support/weir-process.ts';

const NAMESPACES = ['client', 'rtr', 'sw', 'lb', 'm1', 'm2'] as const;
type Namespace = (typeof NAMESPACES)[number];
type Member = 'm1' | 'm2';
const lab = new NetworkLab<Namespace>(`weir-dsr-${process.pid}`, NAMESPACES);
const ns = (name: Namespace) => lab.ns(name);
const ip = (...args: string[]) => lab.ip(...args);
const inNs = (name: Namespace, ...command: string[]) => lab.inNs(name, ...command);

const FAMILIES = {
  4: { client: '198.51.100.2', vip: '192.0.2.10', lan: '10.88.0', vips: '192.0.2.0/24', len: 24 },
  6: { client: '2001:db8:c::2', vip: '2001:db8:5::10', lan: 'fd00:88::', vips: '2001:db8:5::/64', len: 64 },
} as const;
type Family = keyof typeof FAMILIES;
const lanAddress = (family: Family, host: number) =>
  family === 4 ? `${FAMILIES[4].lan}.${host}` : `${FAMILIES[6].lan}${host}`;
const MEMBER_HOST: Record<Member, number> = { m1: 11, m2: 12 };

let weir: NamespacedWeir | undefined;
const api = (method: string, path: string, body?: unknown) => weir!.api(method, path, body);

const created = (path: string, wrapper: string, fields: Json): Json => weir!.created(path, wrapper, fields);

/**
 * A member's TCP (port 80, any address) and UDP (port 53) server answering `<name> <peer address>`. UDP is bound to
 * the VIPs: an answer must leave from the VIP, and a socket bound to the wildcard would answer from the LAN address.
 */
const MEMBER_SERVER = `
const net = require('node:net');
const dgram = require('node:dgram');
const [name, vip4, vip6] = process.argv.slice(1);
let bound = 0;
const up = () => { if (++bound === 4) console.log('ready'); };
const answer = (s) => { s.on('error', () => {}); s.end(name + ' ' + s.remoteAddress + '\\n'); };
net.createServer(answer).listen({ port: 80, host: '0.0.0.0' }, up);
net.createServer(answer).listen({ port: 80, host: '::', ipv6Only: true }, up);
for (const [type, vip] of [['udp4', vip4], ['udp6', vip6]]) {
  const udp = dgram.createSocket(type);
  udp.on('message', (m, r) => udp.send(name + ' ' + r.address, r.port, r.address));
  udp.bind(53, vip, up);
}
`;

/**
 * Flows one after another to host:port, TCP connections or UDP exchanges from fresh sockets (new source ports),
 * `count` of them or, with count 0, until `budget` ms pass; prints the answers (or why there was none) as JSON.
 */
const CLIENT = `
const net = require('node:net');
const dgram = require('node:dgram');
const [protocol, host, port, count, budget] = process.argv.slice(1);
const deadline = Date.now() + Number(budget);
const tcp = () => new Promise((resolve) => {
  let text = '';
  const s = net.connect({ host, port: Number(port) });
  const timer = setTimeout(() => done('timeout'), 1500);
  const done = (answer) => { clearTimeout(timer); s.destroy(); resolve(answer); };
  s.setEncoding('utf8');
  s.on('data', (d) => { text += d; });
  s.on('end', () => done(text.trim()));
  s.on('error', (e) => done('error ' + e.code));
});
const udp = () => new Promise((resolve) => {
  const s = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  let resend;
  const timer = setTimeout(() => done('timeout'), 1500);
  const done = (answer) => { clearTimeout(timer); clearInterval(resend); s.close(); resolve(answer); };
  s.once('message', (m) => done(m.toString().trim()));
  s.on('error', (e) => done('error ' + e.code));
  s.connect(Number(port), host, () => {
    const send = () => s.send('?', () => {});
    send();
    resend = setInterval(send, 400);
  });
});
(async () => {
  const answers = [];
  const until = Number(count) || Infinity;
  while (answers.length < until && Date.now() < deadline) answers.push(await (protocol === 'tcp' ? tcp() : udp()));
  process.stdout.write(JSON.stringify(answers));
})();
`;

const clientArgs = (protocol: 'tcp' | 'udp', family: Family, count: number, budget: number) => [
  'netns',
  'exec',
  ns('client'),
  process.execPath,
  '-e',
  CLIENT,
  protocol,
  FAMILIES[family].vip,
  protocol === 'tcp' ? '80' : '53',
  String(count),
  String(budget),
];

function flows(protocol: 'tcp' | 'udp', family: Family, count: number): string[] {
  return JSON.parse(run('ip', clientArgs(protocol, family, count, 20_000), 30_000)) as string[];
}

/** How many answers each member gave; fails on any answer that is not `<member> <client's own address>`. */
function tally(answers: readonly string[], family: Family): Record<Member, number> {
  const wrong = answers.filter((a) => !/^m[12] /.test(a) || a.split(' ')[1] !== FAMILIES[family].client);
  assert.deepEqual(
    wrong.slice(0, 5),
    [],
    `${wrong.length} of ${answers.length} answers do not name a member that saw the client`,
  );
  return {
    m1: answers.filter((a) => a.startsWith('m1 ')).length,
    m2: answers.filter((a) => a.startsWith('m2 ')).length,
  };
}

function mac(name: Namespace, device: string): string {
  return (JSON.parse(ip('-j', '-n', ns(name), 'link', 'show', 'dev', device)) as { address: string }[])[0]!.address;
}

/** TCP and UDP packets from each VIP the router's LAN port received, by sender: the members and weir's node. */
function replyCounters(): Record<string, number> {
  const listed = JSON.parse(inNs('rtr', 'nft', '-j', 'list', 'counters', 'table', 'netdev', 'obs')) as {
    nftables: { counter?: { name: string; packets: number } }[];
  };
  return Object.fromEntries(listed.nftables.flatMap((o) => (o.counter ? [[o.counter.name, o.counter.packets]] : [])));
}

describe('the dsr provider', { skip: kernelTestSkip }, () => {
  const servers = new Map<Member, ChildProcess>();
  const lbs: Record<Family, string> = { 4: '', 6: '' };
  const tcpPools: Record<Family, string> = { 4: '', 6: '' };
  const tcpMembers: Record<Family, Partial<Record<Member, string>>> = { 4: {}, 6: {} };

  const waitActive = (id: string) => weir!.waitActive(id);

  async function stopServer(name: Member): Promise<void> {
    const child = servers.get(name);
    servers.delete(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(2_000)]);
  }

  async function startServer(name: Member): Promise<void> {
    servers.set(name, await lab.startReady(name, MEMBER_SERVER, [name, FAMILIES[4].vip, FAMILIES[6].vip]));
  }

  async function teardown(): Promise<void> {
    for (const name of [...servers.keys()]) await stopServer(name);
    await weir?.stop();
    weir = undefined;
    lab.teardown();
  }

  function address(name: Namespace, device: string, cidr: string): void {
    ip('-n', ns(name), 'address', 'add', cidr, 'dev', device, ...(cidr.includes(':') ? ['nodad'] : []));
  }

  async function setUp(): Promise<void> {
    lab.create();
    lab.link('client', 'eth0', 'rtr', 'c0');
    ip('-n', ns('sw'), 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns('sw'), 'link', 'set', 'br0', 'up');
    for (const [name, device] of [
      ['rtr', 'eth1'],
      ['lb', 'eth0'],
      ['m1', 'eth0'],
      ['m2', 'eth0'],
    ] as const) {
      lab.link('sw', `p-${name}`, name, device);
      ip('-n', ns('sw'), 'link', 'set', `p-${name}`, 'master', 'br0');
    }
    for (const family of [4, 6] as const) {
      const { client, vips, len } = FAMILIES[family];
      const gateway = family === 4 ? '198.51.100.1' : '2001:db8:c::1';
      address('client', 'eth0', `${client}/${len}`);
      ip('-n', ns('client'), `-${family}`, 'route', 'add', 'default', 'via', gateway);
      address('rtr', 'c0', `${gateway}/${len}`);
      address('rtr', 'eth1', `${lanAddress(family, 1)}/${len}`);
      // On-link: the router asks who has the VIP, and only weir's node may answer.
      ip('-n', ns('rtr'), `-${family}`, 'route', 'add', vips, 'dev', 'eth1');
      address('lb', 'eth0', `${lanAddress(family, 2)}/${len}`);
      for (const member of ['m1', 'm2'] as const) {
        address(member, 'eth0', `${lanAddress(family, MEMBER_HOST[member])}/${len}`);
        ip('-n', ns(member), `-${family}`, 'route', 'add', 'default', 'via', lanAddress(family, 1));
      }
    }
    inNs('rtr', 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
    for (const member of ['m1', 'm2'] as const) {
      // The member is prepared by weir's own command, run inside its namespace.
      inNs(
        member,
        ...[process.execPath, '--import', 'tsx', `${repoRoot}/src/cli/main.ts`, 'dsr-member'],
        ...[FAMILIES[4].vip, FAMILIES[6].vip, '--interface', 'eth0', '--run'],
      );
      await startServer(member);
    }
    const [lbMac, m1Mac, m2Mac] = [mac('lb', 'eth0'), mac('m1', 'eth0'), mac('m2', 'eth0')];
    const rule = (who: string, from: string) =>
      [4, 6].map(
        (f) =>
          `ip${f === 6 ? '6' : ''} saddr ${FAMILIES[f as Family].vip} meta l4proto { tcp, udp } ether saddr ${from} counter name ${who}${f}`,
      );
    execFileSync('ip', ['netns', 'exec', ns('rtr'), 'nft', '-f', '-'], {
      timeout: 15_000,
      input: [
        'table netdev obs {',
        ...['m1', 'm2', 'lb'].flatMap((who) => [4, 6].map((f) => `counter ${who}${f} {}`)),
        'chain in { type filter hook ingress device "eth1" priority 0;',
        ...rule('m1', m1Mac),
        ...rule('m2', m2Mac),
        ...rule('lb', lbMac),
        '}',
        '}',
      ].join('\n'),
    });
    weir = await NamespacedWeir.start(
      ns('lb'),
      [
        'subnets:',
        ...[4, 6].flatMap((f) => {
          const { vips, vip } = FAMILIES[f as Family];
          return [`  - name: vips${f}`, `    cidr: ${vips}`, '    interface: eth0'].concat(
            `    allocation_pools: [{start: ${vip}, end: ${vip}}]`,
          );
        }),
        '',
      ].join('\n'),
    );
  }

  lab.hooks(setUp, teardown);

  test('`weir dsr-member --run` prepared the members: the VIPs on lo, no ARP answers for them', () => {
    for (const member of ['m1', 'm2'] as const) {
      const lo = ip('-n', ns(member), 'address', 'show', 'dev', 'lo');
      assert.ok(lo.includes(`${FAMILIES[4].vip}/32`) && lo.includes(`${FAMILIES[6].vip}/128`), lo);
      const sysctls = inNs(member, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore', 'net.ipv4.conf.eth0.arp_announce');
      assert.deepEqual(sysctls.trim().split('\n'), ['1', '2']);
    }
  });

  test('load balancers for both families, TCP and UDP listeners on the members own ports, become ACTIVE', async () => {
    for (const family of [4, 6] as const) {
      const subnets = api('GET', `/v2.0/subnets?name=vips${family}`).json.subnets;
      const lb = created('/v2/lbaas/loadbalancers', 'loadbalancer', { vip_subnet_id: subnets[0].id, provider: 'dsr' });
      lbs[family] = lb.id;
      assert.equal(lb.vip_address, FAMILIES[family].vip);
      await waitActive(lb.id);
      for (const [protocol, port, algorithm] of [
        ['TCP', 80, 'ROUND_ROBIN'],
        ['UDP', 53, 'SOURCE_IP_PORT'],
      ] as const) {
        const listener = created('/v2/lbaas/listeners', 'listener', {
          loadbalancer_id: lb.id,
          protocol,
          protocol_port: port,
        });
        await waitActive(lb.id);
        const pool = created('/v2/lbaas/pools', 'pool', {
          listener_id: listener.id,
          protocol,
          lb_algorithm: algorithm,
        });
        await waitActive(lb.id);
        if (protocol === 'TCP') {
          tcpPools[family] = pool.id;
          created('/v2/lbaas/healthmonitors', 'healthmonitor', { pool_id: pool.id, ...QUICK_TCP_MONITOR });
          await waitActive(lb.id);
        }
        for (const member of ['m1', 'm2'] as const) {
          const made = created(`/v2/lbaas/pools/${pool.id}/members`, 'member', {
            address: lanAddress(family, MEMBER_HOST[member]),
            protocol_port: port,
            weight: member === 'm1' ? 3 : 1,
          });
          if (protocol === 'TCP') tcpMembers[family][member] = made.id;
          await waitActive(lb.id);
        }
      }
      const listeners = api('GET', `/v2/lbaas/loadbalancers/${lb.id}/status`).json.statuses.loadbalancer.listeners;
      for (const listener of listeners as Json[]) assert.match(listener.client_address, /answer the client directly/);
    }
  });

  for (const family of [4, 6] as const) {
    test(`IPv${family} TCP: members see the client's own address; weights 3:1 split connections about 3:1`, () => {
      assert.ok(lbs[family], 'needs the load balancers of the test before');
      const answers = flows('tcp', family, 200);
      assert.equal(answers.length, 200);
      const { m1, m2 } = tally(answers, family);
      console.log(`IPv${family} TCP: m1 ${m1}, m2 ${m2} of 200`);
      assert.ok(m1 / 200 >= 0.6 && m1 / 200 <= 0.9, `m1 got ${m1} of 200, expected about 3/4`);
      assert.ok(m2 > 0);
    });

    test(`IPv${family} UDP: every datagram from a new source port reaches a member that sees the client`, () => {
      assert.ok(lbs[family], 'needs the load balancers of the test before');
      const answers = flows('udp', family, 60);
      assert.equal(answers.length, 60);
      const { m1, m2 } = tally(answers, family);
      console.log(`IPv${family} UDP: m1 ${m1}, m2 ${m2} of 60`);
      assert.ok(m1 > m2 && m2 > 0, `m1 ${m1}, m2 ${m2}`);
    });
  }

  test("replies reach the router from the members' MACs, none through weir's node", () => {
    const counters = replyCounters();
    console.log(`router LAN port, packets from the VIPs by sender MAC: ${JSON.stringify(counters)}`);
    for (const family of [4, 6]) {
      assert.equal(counters[`lb${family}`], 0, `IPv${family} replies via weir`);
      assert.ok((counters[`m1${family}`] ?? 0) > 200 && (counters[`m2${family}`] ?? 0) > 20, JSON.stringify(counters));
    }
  });

  test('a killed member leaves within its monitor detection time and returns once it is back', async () => {
    const family = 4;
    const memberPath = `/v2/lbaas/pools/${tcpPools[family]}/members/${tcpMembers[family].m2}`;
    const statusIs = async (wanted: string, budgetMs: number) => {
      const started = Date.now();
      let status = '';
      while (Date.now() - started < budgetMs) {
        status = api('GET', memberPath).json.member?.operating_status;
        if (status === wanted) return Date.now() - started;
        await sleep(200);
      }
      assert.fail(`member m2 is ${status}, not ${wanted}, after ${budgetMs} ms`);
    };
    await statusIs('ONLINE', 10_000);
    await stopServer('m2');
    try {
      // delay 1 s, timeout 1 s, one failure: about 2 s, and the table written before the status; 15 s is the margin.
      const left = await statusIs('ERROR', 15_000);
      console.log(`a killed member was found down, and out of the kernel table, after ${left} ms`);
      assert.deepEqual(tally(flows('tcp', family, 40), family), { m1: 40, m2: 0 });
    } finally {
      // Back whatever happened above, so that the restart test after this one starts with both members serving.
      if (!servers.has('m2')) await startServer('m2');
    }
    const back = await statusIs('ONLINE', 15_000);
    console.log(`the member was back after ${back} ms`);
    let m2 = 0;
    for (let round = 0; round < 10 && m2 === 0; round++) {
      m2 = tally(flows('tcp', family, 40), family).m2;
      if (m2 === 0) await sleep(300);
    }
    assert.ok(m2 > 0, 'the member takes connections again');
  });

  test('a weir killed and restarted mid-traffic loses no connection', async () => {
    const clients = ([4, 6] as const).map((family) => {
      const child = spawn('ip', clientArgs('tcp', family, 0, 12_000), { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
      });
      return { family, done: new Promise<string>((resolve) => child.once('exit', () => resolve(out))) };
    });
    await sleep(1_000);
    const down = Date.now();
    let restarted = 0;
    await weir!.restart(() => {
      // While weir is down, the table it wrote goes on forwarding.
      assert.match(inNs('lb', 'nft', 'list', 'tables'), /netdev weir_dsr/);
    });
    restarted = Date.now() - down;
    console.log(`weir was down and starting again for ${restarted} ms`);
    for (const family of [4, 6] as const) await waitActive(lbs[family]);
    for (const { family, done } of clients) {
      const answers = JSON.parse(await done) as string[];
      const { m1, m2 } = tally(answers, family);
      console.log(`IPv${family} during the restart: ${answers.length} connections, m1 ${m1}, m2 ${m2}`);
      assert.ok(answers.length > 50, `only ${answers.length} connections in 12 s`);
    }
  });
});
