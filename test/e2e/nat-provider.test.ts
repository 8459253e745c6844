// End to end, in network namespaces of its own: the `nat` provider DNATs a VIP that is simply routed to weir's node
// to members that use that node as their gateway, so members see the client's own address, for TCP and UDP, with
// weights; removing a member takes it out of new flows, and deleting the load balancer takes its rules away.
//
//   client (198.51.100.2) --- cl0 [ lb: weir, ip_forward ] eth1 --- br0 [ sw ] --- m1 (10.77.0.11), m2 (10.77.0.12)
//
// VIPs come from 192.0.2.0/24, which no interface carries: the client's default route sends it to the lb node.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Json } from './support/namespaced-weir.ts';
import { kernelSkip } from './support/namespaces.ts';
import {
  flows,
  MEMBER_SERVER,
  routedWeir,
  TCP_CLIENT,
  TWO_MEMBERS,
  tally as tallyFor,
  UDP_CLIENT,
} from './support/routed-weir.ts';

const PREFIX = `weir-nat-${process.pid}`;
type Namespace = 'client' | 'lb' | 'm1' | 'm2';
const ns = (name: Namespace) => `${PREFIX}-${name}`;

const CLIENT = '198.51.100.2';
const M1 = TWO_MEMBERS[0].address;
const M2 = TWO_MEMBERS[1].address;
/** The first address of the subnet's allocation pool, which the first load balancer gets. */
const VIP = '192.0.2.10';

const skip = kernelSkip();

const run = (command: string, args: readonly string[], timeout = 15_000) =>
  execFileSync(command, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
const inNs = (name: Namespace, ...command: string[]) => run('ip', ['netns', 'exec', ns(name), ...command]);

/**
 * Holds connections to VIP:81: opens `first` one after another and prints the outcomes; on a line from stdin opens one
 * more, then closes the first it holds and opens one more, and prints those outcomes (`ok`, or `timeout` after 1.5 s,
 * that socket then destroyed so its SYN is not retried).
 */
const HOLDING_CLIENT = `
const net = require('node:net');
const [host, first] = process.argv.slice(1);
const held = [];
const one = () => new Promise((resolve) => {
  const s = net.connect({ host, port: 81 });
  s.on('error', () => {});
  const timer = setTimeout(() => { s.destroy(); resolve('timeout'); }, 1500);
  s.once('data', () => { clearTimeout(timer); held.push(s); resolve('ok'); });
});
(async () => {
  const outcomes = [];
  for (let i = 0; i < Number(first); i++) outcomes.push(await one());
  console.log(JSON.stringify(outcomes));
  process.stdin.once('data', async () => {
    const later = [await one()];
    held.shift().destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    later.push(await one());
    console.log(JSON.stringify(later));
    process.exit(0);
  });
})();
`;

/** `count` flows from a namespace to the VIP's `port`, by TCP_CLIENT or UDP_CLIENT; the answers. */
const fromClient = (script: string, port: number, count: number, from: Namespace = 'client') =>
  flows(ns(from), script, VIP, port, count);

/** One datagram to VIP:53 from the client's source `port` (so the same port is the same flow); the answer. */
function fromPort(port: number): string {
  const script = `
const s = require('node:dgram').createSocket('udp4');
s.bind(${port}, () => {
  const give = (answer) => { console.log(answer); process.exit(0); };
  setTimeout(() => give('timeout'), 1500).unref();
  s.on('message', (m) => give(String(m)));
  s.send('?', 53, '${VIP}');
});`;
  return run('ip', ['netns', 'exec', ns('client'), process.execPath, '-e', script], 10_000).trim();
}

const tally = (answers: readonly string[], expected: number) => tallyFor(answers, expected, CLIENT);

describe('the nat provider', { skip }, () => {
  const lab = routedWeir(PREFIX, [CLIENT], TWO_MEMBERS, MEMBER_SERVER);
  /** An API call made inside the lb namespace, where weir's API listens on that namespace's loopback. */
  const api = (method: string, path: string, body?: unknown) => lab.weir.api(method, path, body);
  const created = (path: string, wrapper: string, fields: Json) => lab.weir.created(path, wrapper, fields);
  let lbId: string | undefined;
  let tcpPoolId: string | undefined;
  let tcpListenerId: string | undefined;
  let udpPoolId: string | undefined;
  let m2UdpMemberId: string | undefined;
  let m2TcpMemberId: string | undefined;

  const waitActive = (id: string) => lab.weir.waitActive(id, 100);

  test('a load balancer with TCP and UDP listeners, pools and weighted members becomes ACTIVE', async () => {
    const subnets = api('GET', '/v2.0/subnets?name=vips').json.subnets;
    assert.equal(subnets?.length, 1, 'the subnet "vips" from the config');
    const lb = created('/v2/lbaas/loadbalancers', 'loadbalancer', { vip_subnet_id: subnets[0].id, provider: 'nat' });
    lbId = lb.id as string;
    assert.equal(lb.provider, 'nat');
    assert.equal(lb.vip_address, VIP);
    await waitActive(lbId);

    const tcp = created('/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lbId,
      protocol: 'TCP',
      protocol_port: 80,
    });
    tcpListenerId = tcp.id as string;
    await waitActive(lbId);
    const tcpPool = created('/v2/lbaas/pools', 'pool', {
      listener_id: tcp.id,
      protocol: 'TCP',
      lb_algorithm: 'ROUND_ROBIN',
    });
    tcpPoolId = tcpPool.id as string;
    await waitActive(lbId);
    created(`/v2/lbaas/pools/${tcpPoolId}/members`, 'member', { address: M1, protocol_port: 8080, weight: 3 });
    await waitActive(lbId);
    const m2 = created(`/v2/lbaas/pools/${tcpPoolId}/members`, 'member', {
      address: M2,
      protocol_port: 8080,
      weight: 1,
    });
    m2TcpMemberId = m2.id as string;
    await waitActive(lbId);

    const udp = await lab.weir.listenerWithPool(lbId, {
      protocol: 'UDP',
      port: 53,
      algorithm: 'ROUND_ROBIN',
      members: [M1, M2].map((address) => ({ address, protocol_port: 5353, weight: 1 })),
    });
    udpPoolId = udp.poolId;
    m2UdpMemberId = udp.memberIds[1];
  });

  test("TCP: members see the client's own address, and weights 3:1 split new connections about 3:1", () => {
    assert.ok(lbId && tcpPoolId, 'needs the load balancer of the first test');
    const { m1, m2 } = tally(fromClient(TCP_CLIENT, 80, 200), 200);
    assert.ok(m1 > 0 && m2 > 0, `both members answer: m1 ${m1}, m2 ${m2}`);
    const share = m1 / 200;
    assert.ok(share >= 0.6 && share <= 0.9, `m1 got ${m1} of 200 (${share}), expected about 3/4`);
  });

  test("a member calling the VIP gets answers, masqueraded: the member answering sees weir's address", () => {
    const answers = fromClient(TCP_CLIENT, 80, 20, 'm1');
    const wrong = answers.filter((a) => !/^m[12] 10\.77\.0\.1$/.test(a));
    assert.deepEqual(wrong, [], `answers: ${answers.slice(0, 5).join(', ')}`);
  });

  test('listener stats count the connections and the bytes of whole packets both ways', () => {
    const stats = api('GET', `/v2/lbaas/listeners/${tcpListenerId}/stats`).json.stats;
    assert.equal(stats.total_connections, 220, '200 from the client, 20 from a member');
    assert.equal(stats.request_errors, 0);
    // Each answer is 16 bytes of payload in packets with IP and TCP headers; each client sent a handshake and a FIN.
    assert.ok(stats.bytes_out > 200 * 16, `bytes_out ${stats.bytes_out}`);
    assert.ok(stats.bytes_in > 200 * 3 * 40, `bytes_in ${stats.bytes_in}`);
  });

  test("UDP: every datagram from a new source port reaches a member that sees the client's own address", () => {
    assert.ok(lbId, 'needs the load balancer of the first test');
    const { m1, m2 } = tally(fromClient(UDP_CLIENT, 53, 40), 40);
    assert.ok(m1 > 0 && m2 > 0, `both members answer: m1 ${m1}, m2 ${m2}`);
  });

  test('the status tree says the client address travels in the packet', () => {
    assert.ok(lbId, 'needs the load balancer of the first test');
    const response = api('GET', `/v2/lbaas/loadbalancers/${lbId}/status`);
    assert.equal(response.status, 200);
    const listeners = response.json.statuses.loadbalancer.listeners as Json[];
    assert.equal(listeners.length, 2);
    for (const listener of listeners) {
      assert.equal(typeof listener.client_address, 'string', JSON.stringify(listener));
      assert.ok(listener.client_address.length > 0);
      assert.match(listener.client_address, /packet/i);
    }
  });

  test('a drained member keeps its UDP flow; once deleted, the flow is cut and its next datagram goes to the other', async () => {
    assert.ok(lbId && udpPoolId && m2UdpMemberId, 'needs the load balancer of the first test');
    let port = 0;
    for (let candidate = 41_000; candidate < 41_040 && port === 0; candidate++) {
      if (fromPort(candidate).startsWith('m2 ')) port = candidate;
    }
    assert.ok(port > 0, 'a source port whose flow lands on m2');
    const member = `/v2/lbaas/pools/${udpPoolId}/members/${m2UdpMemberId}`;
    assert.equal(api('PUT', member, { member: { weight: 0 } }).status, 200);
    await waitActive(lbId);
    assert.match(fromPort(port), /^m2 /, 'a drained member keeps the flows it has');
    for (let fresh = 42_000; fresh < 42_005; fresh++) assert.match(fromPort(fresh), /^m1 /, 'and gets no new ones');
    assert.equal(api('DELETE', member).status, 204);
    await waitActive(lbId);
    assert.match(fromPort(port), /^m1 /, "a deleted member's flow is cut");
  });

  test('a deleted member gets no new connections', async () => {
    assert.ok(lbId && tcpPoolId && m2TcpMemberId, 'needs the load balancer of the first test');
    const response = api('DELETE', `/v2/lbaas/pools/${tcpPoolId}/members/${m2TcpMemberId}`);
    assert.equal(response.status, 204, JSON.stringify(response.json));
    await waitActive(lbId);
    const { m1, m2 } = tally(fromClient(TCP_CLIENT, 80, 50), 50);
    assert.deepEqual({ m1, m2 }, { m1: 50, m2: 0 });
    // The change rewrote the table; its counters went on from where they were.
    assert.equal(api('GET', `/v2/lbaas/listeners/${tcpListenerId}/stats`).json.stats.total_connections, 270);
  });

  test('a connection_limit of 2 lets a third connection in only once one of two has closed, across a rewrite of its chain', async () => {
    assert.ok(lbId, 'needs the load balancer of the first test');
    const limited = await lab.weir.listenerWithPool(lbId, {
      protocol: 'TCP',
      port: 81,
      algorithm: 'ROUND_ROBIN',
      members: [{ address: M1, protocol_port: 8081 }],
      listener: { connection_limit: 2 },
    });
    const client = spawn('ip', ['netns', 'exec', ns('client'), process.execPath, '-e', HOLDING_CLIENT, VIP, '2'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const lines = client.stdout.setEncoding('utf8')[Symbol.asyncIterator]();
      const next = async () => {
        const timeout = sleep(20_000).then(() => ({ done: true, value: 'no answer within 20 s' }));
        const { done, value } = await Promise.race([lines.next(), timeout]);
        assert.ok(!done, value);
        return JSON.parse(value as string) as string[];
      };
      assert.deepEqual(await next(), ['ok', 'ok']);
      // A second member rewrites the service's chain while the two flows are held: they stay counted.
      created(`/v2/lbaas/pools/${limited.poolId}/members`, 'member', { address: M2, protocol_port: 8081 });
      await waitActive(lbId);
      const chain = inNs(
        'lb',
        'nft',
        'list',
        'chain',
        'inet',
        'weir',
        `svc_${limited.listenerId.replaceAll('-', '')}_0`,
      );
      assert.match(chain, new RegExp(M2.replaceAll('.', '\\.')), 'the chain names the new member');
      client.stdin.write('go\n');
      assert.deepEqual(await next(), ['timeout', 'ok'], 'a third refused while two are held, let in once one closed');
    } finally {
      client.kill('SIGKILL');
    }
    const stats = api('GET', `/v2/lbaas/listeners/${limited.listenerId}/stats`).json.stats;
    assert.ok(stats.request_errors >= 1, `the refused SYN is counted: ${JSON.stringify(stats)}`);
  });

  test("a cascade delete takes the load balancer's rules out of the kernel", async () => {
    assert.ok(lbId, 'needs the load balancer of the first test');
    assert.ok(inNs('lb', 'nft', 'list', 'ruleset').includes(VIP), 'the VIP is in the ruleset before the delete');
    const response = api('DELETE', `/v2/lbaas/loadbalancers/${lbId}?cascade=true`);
    assert.equal(response.status, 204, JSON.stringify(response.json));
    let status = 0;
    for (let i = 0; i < 100; i++) {
      status = api('GET', `/v2/lbaas/loadbalancers/${lbId}`).status;
      if (status === 404) break;
      await sleep(100);
    }
    assert.equal(status, 404, 'the load balancer is gone');
    assert.ok(!inNs('lb', 'nft', 'list', 'ruleset').includes(VIP), `no rules for ${VIP} remain`);
  });
});
