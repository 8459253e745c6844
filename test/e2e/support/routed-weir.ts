import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NamespacedWeir } from './namespaced-weir.ts';
import { addNamespaces, ip, link, namespacesLeft, removeNamespaces, startScript } from './namespaces.ts';

/**
 * For a describe block of kernel NAT tests: before them, builds routedNetwork in namespaces `<prefix>-<name>`, starts
 * `memberServer` (a Node script that prints `ready`, given the member's name) in each member's namespace and weir
 * (configured with ROUTED_VIPS, then `config`) in lb; after them, stops all that, deletes the namespaces (also when setting up
 * failed) and asserts none is left.
 */
export function routedWeir(
  prefix: string,
  clientAddresses: readonly string[],
  members: readonly { name: string; address: string }[],
  memberServer: string,
  config = '',
): { readonly weir: NamespacedWeir } {
  const ns = (name: string) => `${prefix}-${name}`;
  const servers: ChildProcess[] = [];
  let weir: NamespacedWeir | undefined;

  async function teardown(): Promise<void> {
    for (const child of servers) await stopped(child);
    await weir?.stop();
    weir = undefined;
    // Whatever still runs in one of these namespaces was started by the test (weir's workers, say).
    removeNamespaces(['client', 'lb', 'sw', ...members.map((m) => m.name)].map(ns));
  }

  before(async () => {
    try {
      routedNetwork(prefix, clientAddresses, members);
      for (const { name } of members) servers.push(await startScript(ns(name), memberServer, name));
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
 *   client --- cl0 [ lb: 198.51.100.1, 10.77.0.1, ip_forward ] eth1 --- br0 [ sw ] --- members (10.77.0.0/24)
 *
 * The client has `clientAddresses` (in 198.51.100.0/24) and lb as its default route, so VIPs in ROUTED_VIPS, which
 * no interface carries, reach lb; members have lb as their gateway, so their answers go back through it.
 */
function routedNetwork(
  prefix: string,
  clientAddresses: readonly string[],
  members: readonly { name: string; address: string }[],
): void {
  const ns = (name: string) => `${prefix}-${name}`;
  addNamespaces(['client', 'lb', 'sw', ...members.map((m) => m.name)].map(ns));
  link(ns('client'), 'eth0', ns('lb'), 'cl0');
  link(ns('sw'), 'p-lb', ns('lb'), 'eth1');
  ip('-n', ns('sw'), 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', ns('sw'), 'link', 'set', 'br0', 'up');
  ip('-n', ns('sw'), 'link', 'set', 'p-lb', 'master', 'br0');
  const batch = clientAddresses.map((address) => `address add ${address}/24 dev eth0`).join('\n');
  execFileSync('ip', ['-n', ns('client'), '-batch', '-'], { input: `${batch}\n`, timeout: 15_000 });
  ip('-n', ns('client'), 'route', 'add', 'default', 'via', '198.51.100.1');
  ip('-n', ns('lb'), 'address', 'add', '198.51.100.1/24', 'dev', 'cl0');
  ip('-n', ns('lb'), 'address', 'add', '10.77.0.1/24', 'dev', 'eth1');
  ip('netns', 'exec', ns('lb'), 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  for (const { name, address } of members) {
    link(ns('sw'), `p-${name}`, ns(name), 'eth0');
    ip('-n', ns('sw'), 'link', 'set', `p-${name}`, 'master', 'br0');
    ip('-n', ns(name), 'address', 'add', `${address}/24`, 'dev', 'eth0');
    ip('-n', ns(name), 'route', 'add', 'default', 'via', '10.77.0.1');
  }
}

/** weir's config for the routed network: VIPs from 192.0.2.0/24, the first load balancer's being 192.0.2.10. */
const ROUTED_VIPS =
  'subnets:\n  - name: vips\n    cidr: 192.0.2.0/24\n    allocation_pools: [{start: 192.0.2.10, end: 192.0.2.20}]\n';

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
