// End to end, in network namespaces of its own: a stateless `nat` load balancer (flavor `stateless: true`) on two
// weir nodes that read the same store. Both build the same Maglev table, so when the router moves open connections
// from one node to the other, every packet still reaches the member it reached before, and neither node tracks a
// connection. Members see the client's own address; ports are translated (VIP port 80 to member port 8080).
//
//   client --- [ rtr ] --- front bridge --- lb1, lb2 (weir each) --- back bridge --- m1, m2, m3
//
// Members use lb1 as their gateway, so their answers are translated back there whichever node the client's packets
// crossed.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NEW_POOL_MAGLEV_TABLE_SIZE } from '../../src/balancing/maglev-table.ts';
import { type Json, NamespacedWeir, QUICK_TCP_MONITOR } from './support/namespaced-weir.ts';
import {
  addNamespaces,
  ip,
  kernelSkip,
  link,
  namespacesLeft,
  removeNamespaces,
  startScript,
} from './support/namespaces.ts';

const PREFIX = `weir-stl-${process.pid}`;
const MEMBERS = ['m1', 'm2', 'm3'] as const;
const NAMESPACES = ['client', 'rtr', 'front', 'lb1', 'lb2', 'back', ...MEMBERS];
const ns = (name: string) => `${PREFIX}-${name}`;
const VIP = '192.0.2.10';
const CONNECTIONS = 30;

const CONFIG =
  'subnets:\n  - name: vips\n    cidr: 192.0.2.0/24\n    allocation_pools: [{start: 192.0.2.10, end: 192.0.2.20}]\n';

/** Answers every line on a connection with `<name> <peer address>`. */
const MEMBER_SERVER = `
const name = process.argv[1];
require('node:net')
  .createServer((s) => {
    s.on('error', () => {});
    s.setEncoding('utf8');
    s.on('data', () => s.write(name + ' ' + s.remoteAddress + '\\n'));
  })
  .listen(8080, '0.0.0.0', () => console.log('ready'));
`;

/**
 * Opens `count` connections to VIP:80 and asks once on each, prints the answers as JSON; on a line from stdin asks
 * again on the same connections and prints those answers; each answer waits at most 2 s.
 */
const CLIENT = `
const net = require('node:net');
const [host, count] = process.argv.slice(1);
const sockets = [];
const ask = (s) => new Promise((resolve) => {
  const timer = setTimeout(() => { s.off('data', on); resolve('timeout'); }, 2000);
  const on = (d) => { clearTimeout(timer); s.off('data', on); resolve(String(d).trim()); };
  s.on('data', on);
  s.write('?\\n');
});
(async () => {
  for (let i = 0; i < Number(count); i++) {
    const s = net.connect({ host, port: 80 });
    s.on('error', () => {});
    await new Promise((resolve) => { s.once('connect', resolve); s.once('error', resolve); setTimeout(resolve, 2000); });
    sockets.push(s);
  }
  console.log(JSON.stringify(await Promise.all(sockets.map(ask))));
  process.stdin.once('data', async () => {
    console.log(JSON.stringify(await Promise.all(sockets.map(ask))));
    process.exit(0);
  });
})();
`;

function network(): void {
  addNamespaces(NAMESPACES.map(ns));
  const bridge = (name: string) => {
    ip('-n', ns(name), 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns(name), 'link', 'set', 'br0', 'up');
  };
  const port = (bridgeNs: string, node: string, ifName: string) => {
    link(ns(bridgeNs), `p-${node}`, ns(node), ifName);
    ip('-n', ns(bridgeNs), 'link', 'set', `p-${node}`, 'master', 'br0');
  };
  bridge('front');
  bridge('back');
  link(ns('client'), 'eth0', ns('rtr'), 'c0');
  ip('-n', ns('client'), 'address', 'add', '198.51.100.2/24', 'dev', 'eth0');
  ip('-n', ns('client'), 'route', 'add', 'default', 'via', '198.51.100.1');
  ip('-n', ns('rtr'), 'address', 'add', '198.51.100.1/24', 'dev', 'c0');
  port('front', 'rtr', 'f0');
  ip('-n', ns('rtr'), 'address', 'add', '203.0.113.1/24', 'dev', 'f0');
  ip('-n', ns('rtr'), 'route', 'add', `${VIP}/32`, 'via', '203.0.113.11');
  for (const [i, lb] of ['lb1', 'lb2'].entries()) {
    port('front', lb, 'f0');
    port('back', lb, 'b0');
    ip('-n', ns(lb), 'address', 'add', `203.0.113.1${i + 1}/24`, 'dev', 'f0');
    ip('-n', ns(lb), 'address', 'add', `10.77.0.${i + 1}/24`, 'dev', 'b0');
    ip('-n', ns(lb), 'route', 'add', 'default', 'via', '203.0.113.1');
  }
  for (const [i, member] of MEMBERS.entries()) {
    port('back', member, 'eth0');
    ip('-n', ns(member), 'address', 'add', `10.77.0.1${i + 1}/24`, 'dev', 'eth0');
    ip('-n', ns(member), 'route', 'add', 'default', 'via', '10.77.0.1');
  }
  for (const router of ['rtr', 'lb1', 'lb2']) ip('netns', 'exec', ns(router), 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
}

/** The next line the process prints, within 20 s. */
async function line(seen: { text: string; lines: number }): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const lines = seen.text.split('\n');
    if (lines.length - 1 > seen.lines) return lines[seen.lines++]!;
    await sleep(100);
  }
  assert.fail(`no answer from the client: ${seen.text}`);
}

const nft = (node: string, ...args: string[]) =>
  execFileSync('ip', ['netns', 'exec', ns(node), 'nft', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 << 20,
  });

describe('a stateless nat load balancer on two nodes', { skip: kernelSkip() }, () => {
  const servers: ChildProcess[] = [];
  const weirs: NamespacedWeir[] = [];

  before(async () => {
    try {
      network();
      for (const member of MEMBERS) servers.push(await startScript(ns(member), MEMBER_SERVER, member));
      weirs.push(await NamespacedWeir.start(ns('lb1'), CONFIG));
    } catch (error) {
      removeNamespaces(NAMESPACES.map(ns));
      throw error;
    }
  });

  after(async () => {
    for (const child of servers) child.kill('SIGKILL');
    for (const weir of weirs) await weir.stop();
    removeNamespaces(NAMESPACES.map(ns));
    assert.deepEqual(namespacesLeft(`${PREFIX}-`), [], 'namespaces left behind');
  });

  test('keeps every open connection on its member when the router moves it to the other node', async () => {
    const [lb1] = weirs;
    const lb = await lb1!.loadBalancer('vips', { provider: 'nat', flavor_id: lb1!.statelessFlavor() });
    const listener = lb1!.created('/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lb.id,
      protocol: 'TCP',
      protocol_port: 80,
    });
    await lb1!.waitActive(lb.id);
    const pool = lb1!.created('/v2/lbaas/pools', 'pool', {
      listener_id: listener.id,
      protocol: 'TCP',
      lb_algorithm: 'ROUND_ROBIN',
    });
    await lb1!.waitActive(lb.id);
    // Health checks connect from weir's own node to the members' port 8080, the port the stateless rules match.
    lb1!.created('/v2/lbaas/healthmonitors', 'healthmonitor', { pool_id: pool.id, ...QUICK_TCP_MONITOR });
    await lb1!.waitActive(lb.id);
    for (const [i] of MEMBERS.entries()) {
      lb1!.created(`/v2/lbaas/pools/${pool.id}/members`, 'member', {
        address: `10.77.0.1${i + 1}`,
        protocol_port: 8080,
      });
      await lb1!.waitActive(lb.id);
    }
    await membersOnline(lb1!, pool.id);
    const lb2 = await lb1!.replicate(ns('lb2'));
    weirs.push(lb2);
    await lb2.waitActive(lb.id);

    const service = `svc_${listener.id.replaceAll('-', '')}_0`;
    const table = (node: string) => nft(node, 'list', 'map', 'inet', 'weir', `${service}_addrs`);
    const slots = table('lb1').match(/\b\d+ : 10\.77\.0\.1[123]\b/g)?.length;
    assert.equal(slots, NEW_POOL_MAGLEV_TABLE_SIZE, "the map holds the pool's table, a member for each slot");
    assert.equal(table('lb2'), table('lb1'), 'both nodes hold the same Maglev table');

    const client = spawn(
      'ip',
      ['netns', 'exec', ns('client'), process.execPath, '-e', CLIENT, VIP, String(CONNECTIONS)],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const seen = { text: '', lines: 0 };
    client.stdout.on('data', (chunk) => {
      seen.text += chunk;
    });
    try {
      const before = JSON.parse(await line(seen)) as string[];
      assert.equal(before.filter((a) => a.endsWith(' 198.51.100.2')).length, CONNECTIONS, before.join(', '));
      const members = new Set(before.map((a) => a.split(' ')[0]));
      assert.ok(members.size >= 2, `connections spread over the members: ${[...members]}`);

      ip('-n', ns('rtr'), 'route', 'replace', `${VIP}/32`, 'via', '203.0.113.12');
      client.stdin.write('again\n');
      const afterMove = JSON.parse(await line(seen)) as string[];
      assert.deepEqual(afterMove, before, 'every connection answered by the same member through the other node');
      const counted = nft('lb2', 'list', 'counter', 'inet', 'weir', `${service}_in`);
      assert.match(counted, /packets [1-9]/, 'the second node forwarded the packets');
    } finally {
      client.kill('SIGKILL');
    }
    // Raw prerouting translates a tracked flow's destination before conntrack, so an entry would show a member's
    // address, not the VIP: no entry may name the client, and the only ones of port 8080 are the node's own health
    // checks, answered (an untracked SYN-ACK would leave them [UNREPLIED]).
    for (const [i, node] of ['lb1', 'lb2'].entries()) {
      const tracked = execFileSync('ip', ['netns', 'exec', ns(node), 'conntrack', '-L'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).split('\n');
      assert.deepEqual(
        tracked.filter((entry) => entry.includes('198.51.100.2')),
        [],
        `${node} tracks no flow of the client`,
      );
      const checks = tracked.filter((entry) => /port=8080\b/.test(entry));
      assert.ok(checks.length > 0, `${node} checked the members' health`);
      const others = checks.filter((entry) => !entry.includes(`src=10.77.0.${i + 1} `) || entry.includes('UNREPLIED'));
      assert.deepEqual(others, [], `${node}: only its own health checks, answered`);
    }
    await membersOnline(lb1!, pool.id);
  });
});

/** Every member of the pool is ONLINE within 20 s. */
async function membersOnline(weir: NamespacedWeir, poolId: string): Promise<void> {
  let statuses: string[] = [];
  for (let i = 0; i < 100; i++) {
    const members = weir.api('GET', `/v2/lbaas/pools/${poolId}/members`).json.members as Json[];
    statuses = members.map((m) => m.operating_status as string);
    if (statuses.length === MEMBERS.length && statuses.every((s) => s === 'ONLINE')) return;
    await sleep(200);
  }
  assert.fail(`members are ${statuses.join(', ')}, not all ONLINE`);
}
