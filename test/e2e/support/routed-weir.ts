import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NamespacedWeir } from './namespaced-weir.ts';
import { addNamespaces, ip, link, namespacesLeft, removeNamespaces, startScript } from './namespaces.ts';

/** A member of the routed network: its namespace's name, its IPv4 address and, when given, its IPv6 address. */
export interface RoutedMember {
  name: string;
  address: string;
  address6?: string;
}

/**
 * For a describe block of kernel NAT tests: before them, builds routedNetwork in namespaces `<prefix>-<name>`, starts
 * `memberServer` (a Node script that prints `ready`, given the member's name) in each member's namespace and weir
 * (configured with ROUTED_VIPS, then `config`) in lb; after them, stops all that, deletes the namespaces (also when setting up
 * failed) and asserts none is left. A test may stop a member's server and start it again, as a member that fails
 * and recovers.
 */
export function routedWeir(
  prefix: string,
  clientAddresses: readonly string[],
  members: readonly RoutedMember[],
  memberServer: string,
  config = '',
): {
  readonly weir: NamespacedWeir;
  stopServer(member: string): Promise<void>;
  startServer(member: string): Promise<void>;
} {
  const ns = (name: string) => `${prefix}-${name}`;
  const servers = new Map<string, ChildProcess>();
  let weir: NamespacedWeir | undefined;

  async function stopServer(member: string): Promise<void> {
    const child = servers.get(member);
    servers.delete(member);
    if (child) await stopped(child);
  }

  async function startServer(member: string): Promise<void> {
    assert.ok(!servers.has(member), `the server of ${member} runs already`);
    servers.set(member, await startScript(ns(member), memberServer, member));
  }

  async function teardown(): Promise<void> {
    for (const member of [...servers.keys()]) await stopServer(member);
    await weir?.stop();
    weir = undefined;
    // Whatever still runs in one of these namespaces was started by the test (weir's workers, say).
    removeNamespaces(['client', 'lb', 'sw', ...members.map((m) => m.name)].map(ns));
  }

  before(async () => {
    try {
      routedNetwork(prefix, clientAddresses, members);
      for (const { name } of members) await startServer(name);
      weir = await NamespacedWeir.start(ns('lb'), ROUTED_VIPS + config);
    } catch (error) {
      await teardown();
      throw error;
    }
  });

  after(async () => {
    await teardown();
    assert.deepEqual(namespacesLeft(`${prefix}-`), [], 'namespaces left behind');
  });

  return {
    get weir() {
      assert.ok(weir, 'weir runs only between the before and after hooks');
      return weir;
    },
    stopServer,
    startServer,
  };
}

/** Kills a child and waits (at most 2 s) for it to exit. */
async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(2_000)]);
}

/**
 * The routed network of the kernel NAT tests, in namespaces `<prefix>-<name>`, veths made inside them:
 *
 *   client --- cl0 [ lb: 198.51.100.1, 2001:db8:c::1 | 10.77.0.1, 2001:db8:77::1; forwarding ] eth1 --- br0 [ sw ]
 *     --- members (10.77.0.0/24, 2001:db8:77::/64)
 *
 * The client has `clientAddresses` (in 198.51.100.0/24 or 2001:db8:c::/64) and lb as its default route, so VIPs in
 * ROUTED_VIPS, which no interface carries, reach lb; members have lb as their gateway, so their answers go back
 * through it. IPv6 addresses skip duplicate address detection, so they are usable at once.
 */
function routedNetwork(prefix: string, clientAddresses: readonly string[], members: readonly RoutedMember[]): void {
  const ns = (name: string) => `${prefix}-${name}`;
  addNamespaces(['client', 'lb', 'sw', ...members.map((m) => m.name)].map(ns));
  link(ns('client'), 'eth0', ns('lb'), 'cl0');
  link(ns('sw'), 'p-lb', ns('lb'), 'eth1');
  ip('-n', ns('sw'), 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', ns('sw'), 'link', 'set', 'br0', 'up');
  ip('-n', ns('sw'), 'link', 'set', 'p-lb', 'master', 'br0');
  const batch = clientAddresses
    .map((a) => (isIPv6(a) ? `address add ${a}/64 dev eth0 nodad` : `address add ${a}/24 dev eth0`))
    .join('\n');
  execFileSync('ip', ['-n', ns('client'), '-batch', '-'], { input: `${batch}\n`, timeout: 15_000 });
  // A default route of a family the client has no address of would have no gateway on its link.
  if (clientAddresses.some((a) => !isIPv6(a))) ip('-n', ns('client'), 'route', 'add', 'default', 'via', '198.51.100.1');
  if (clientAddresses.some((a) => isIPv6(a))) ip('-n', ns('client'), 'route', 'add', 'default', 'via', '2001:db8:c::1');
  ip('-n', ns('lb'), 'address', 'add', '198.51.100.1/24', 'dev', 'cl0');
  ip('-n', ns('lb'), 'address', 'add', '2001:db8:c::1/64', 'dev', 'cl0', 'nodad');
  ip('-n', ns('lb'), 'address', 'add', '10.77.0.1/24', 'dev', 'eth1');
  ip('-n', ns('lb'), 'address', 'add', '2001:db8:77::1/64', 'dev', 'eth1', 'nodad');
  ip('netns', 'exec', ns('lb'), 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
  for (const { name, address: address4, address6 } of members) {
    link(ns('sw'), `p-${name}`, ns(name), 'eth0');
    ip('-n', ns('sw'), 'link', 'set', `p-${name}`, 'master', 'br0');
    ip('-n', ns(name), 'address', 'add', `${address4}/24`, 'dev', 'eth0');
    ip('-n', ns(name), 'route', 'add', 'default', 'via', '10.77.0.1');
    if (!address6) continue;
    ip('-n', ns(name), 'address', 'add', `${address6}/64`, 'dev', 'eth0', 'nodad');
    ip('-n', ns(name), 'route', 'add', 'default', 'via', '2001:db8:77::1');
  }
}

/** Two members, m1 and m2, of both address families. */
export const TWO_MEMBERS: readonly [Required<RoutedMember>, Required<RoutedMember>] = [
  { name: 'm1', address: '10.77.0.11', address6: '2001:db8:77::11' },
  { name: 'm2', address: '10.77.0.12', address6: '2001:db8:77::12' },
];

/**
 * weir's config for the routed network: VIPs from 192.0.2.0/24 (subnet `vips`, the first load balancer's being
 * 192.0.2.10) and from 2001:db8:f00::/64 (subnet `vips6`, the first being 2001:db8:f00::10).
 */
const ROUTED_VIPS = `subnets:
  - name: vips
    cidr: 192.0.2.0/24
    allocation_pools: [{start: 192.0.2.10, end: 192.0.2.20}]
  - name: vips6
    cidr: 2001:db8:f00::/64
    allocation_pools: [{start: '2001:db8:f00::10', end: '2001:db8:f00::20'}]
`;

/**
 * A Node script for the client: `<host> <port> <count> <budget ms> [source address...]` makes `count` TCP
 * connections one after another, the i-th from the i-th source address when given, and prints a JSON array of the
 * answers (or why there was none); it stops trying once the budget is spent.
 */
export const TCP_CLIENT = `
const net = require('node:net');
const [host, port, count, budget, ...sources] = process.argv.slice(1);
const deadline = Date.now() + Number(budget);
const one = (localAddress) => new Promise((resolve) => {
  let text = '';
  let settled = false;
  const s = net.connect({ host, port: Number(port), localAddress });
  const done = (answer) => { if (settled) return; settled = true; clearTimeout(timer); s.destroy(); resolve(answer); };
  const timer = setTimeout(() => done('timeout'), 1000);
  s.setEncoding('utf8');
  s.on('data', (d) => { text += d; });
  s.on('end', () => done(text.trim()));
  s.on('error', (e) => done('error ' + e.code));
});
(async () => {
  const answers = [];
  for (let i = 0; i < Number(count); i++) {
    answers.push(Date.now() < deadline ? await one(sources[i]) : 'skipped: time budget spent');
  }
  process.stdout.write(JSON.stringify(answers));
})();
`;

/**
 * A member's servers, for both address families, each answering `<name> <peer address>`: TCP on 8080; TCP on 8081,
 * keeping each connection open after its answer (for connection limits); UDP on 5353, answering from the wildcard
 * socket (the member's own address, which the node translates back to the VIP). Prints `ready` when all are bound.
 */
export const MEMBER_SERVER = `
const net = require('node:net');
const dgram = require('node:dgram');
const name = process.argv[1];
let bound = 0;
const up = () => { if (++bound === 6) console.log('ready'); };
for (const host of ['0.0.0.0', '::']) {
  const at = { host, ipv6Only: host === '::' };
  net.createServer((s) => { s.on('error', () => {}); s.end(name + ' ' + s.remoteAddress + '\\n'); }).listen({ ...at, port: 8080 }, up);
  net.createServer((s) => { s.on('error', () => {}); s.write(name + '\\n'); }).listen({ ...at, port: 8081 }, up);
  const udp = dgram.createSocket({ type: host === '::' ? 'udp6' : 'udp4', ipv6Only: host === '::' });
  udp.on('message', (m, r) => udp.send(name + ' ' + r.address, r.port, r.address));
  udp.bind(5353, host, up);
}
`;

/**
 * A Node script for the client: `<host> <port> <count> <budget ms>` sends `count` datagrams, each from a fresh
 * socket (so a new source port and a new flow), resending every 400 ms until an answer or 1.5 s; prints the answers
 * (or why there was none) as JSON; it stops trying once the budget is spent.
 */
export const UDP_CLIENT = `
const dgram = require('node:dgram');
const [host, port, count, budget] = process.argv.slice(1);
const deadline = Date.now() + Number(budget);
const one = () => new Promise((resolve) => {
  let settled = false;
  const s = dgram.createSocket(require('node:net').isIPv6(host) ? 'udp6' : 'udp4');
  const done = (answer) => {
    if (settled) return; settled = true; clearTimeout(timer); clearInterval(resend); s.close(); resolve(answer);
  };
  const timer = setTimeout(() => done('timeout'), 1500);
  let resend;
  s.on('message', (m) => done(m.toString().trim()));
  s.on('error', (e) => done('error ' + e.code));
  s.connect(Number(port), host, () => {
    const send = () => s.send('?', (e) => { if (e) done('error ' + e.code); });
    send();
    resend = setInterval(send, 400);
  });
});
(async () => {
  const answers = [];
  for (let i = 0; i < Number(count); i++) answers.push(Date.now() < deadline ? await one() : 'skipped: time budget spent');
  process.stdout.write(JSON.stringify(answers));
})();
`;

/**
 * Runs TCP_CLIENT or UDP_CLIENT in `namespace` for `count` flows to host:port; the answers. The script stops trying
 * after 10 s of its own; the process gets 20 s.
 */
export function flows(namespace: string, script: string, host: string, port: number, count: number): string[] {
  const command = [process.execPath, '-e', script, host, String(port), String(count), '10000'];
  const out = execFileSync('ip', ['netns', 'exec', namespace, ...command], {
    encoding: 'utf8',
    timeout: 20_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as string[];
}

/**
 * How many answers each member (m1, m2) gave; fails unless there are `expected` answers, each `<member> <client>`:
 * a member that saw the client's own address.
 */
export function tally(answers: readonly string[], expected: number, client: string): { m1: number; m2: number } {
  assert.equal(answers.length, expected);
  const wrong = answers.filter((a) => !/^m[12] /.test(a) || a.split(' ')[1] !== client);
  assert.deepEqual(
    wrong.slice(0, 5),
    [],
    `${wrong.length} of ${expected} answers do not name a member that saw the client ${client}`,
  );
  return {
    m1: answers.filter((a) => a.startsWith('m1 ')).length,
    m2: answers.filter((a) => a.startsWith('m2 ')).length,
  };
}
