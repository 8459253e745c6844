// End to end, in network namespaces of its own: `nat.source_nat` sends the members' own new flows out of weir's
// node from a pool of its public addresses, each member address from one steady address of the pool, while a client
// of a `nat` load balancer on those members still has its own address seen by them and gets its answers from the VIP.
//
//   client (198.51.100.2: the outside; a server there answers `net <peer address>`; also the VIP's client)
//     --- cl0 [ lb: weir; 198.51.100.1, pool 198.51.100.250 and .251 ] eth1 --- br0 [ sw ] --- m1 (10.77.0.11,
//     and 10.77.0.101-111 to connect from)
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Json } from './support/namespaced-weir.ts';
import { ip, kernelSkip, startScript } from './support/namespaces.ts';
import { routedWeir, TCP_CLIENT } from './support/routed-weir.ts';

const PREFIX = `weir-snat-${process.pid}`;
const ns = (name: 'client' | 'lb' | 'm1') => `${PREFIX}-${name}`;
const OUTSIDE = '198.51.100.2';
const POOL = ['198.51.100.250', '198.51.100.251'];
const MEMBER = '10.77.0.11';
/** The member's addresses its own connections leave from: its own and 11 more. */
const SOURCES = [MEMBER, ...Array.from({ length: 11 }, (_, i) => `10.77.0.${101 + i}`)];
const ROUNDS = 3;
const VIP = '192.0.2.10';

const SOURCE_NAT = `nat:
  source_nat:
    - sources: [10.77.0.0/24]
      addresses: [${POOL.join(', ')}]
      interface: cl0
`;

/** Answers each TCP connection on 8080 with `<name> <peer address>`; prints `ready` once bound. */
const PEER_SERVER = `
const name = process.argv[1];
require('node:net')
  .createServer((s) => { s.on('error', () => {}); s.end(name + ' ' + s.remoteAddress + '\\n'); })
  .listen(8080, '0.0.0.0', () => console.log('ready'));
`;

/** `count` connections to host:8080 from `namespace`, the i-th from sources[i] when given; the answers. */
function connect(namespace: 'client' | 'm1', host: string, count: number, sources: readonly string[] = []): string[] {
  // The script stops trying after 15 s of its own; the process gets 20 s.
  const command = [process.execPath, '-e', TCP_CLIENT, host, '8080', String(count), '15000', ...sources];
  return JSON.parse(ip('netns', 'exec', ns(namespace), ...command)) as string[];
}

describe("source NAT of the members' own flows", { skip: kernelSkip() }, () => {
  const lab = routedWeir(PREFIX, [OUTSIDE], [{ name: 'm1', address: MEMBER }], PEER_SERVER, SOURCE_NAT);
  const created = (path: string, wrapper: string, fields: Json) => lab.weir.created(path, wrapper, fields);
  let firstSeen: Map<string, string> | undefined;

  before(async () => {
    for (const address of POOL) ip('-n', ns('lb'), 'address', 'add', `${address}/24`, 'dev', 'cl0');
    for (const address of SOURCES.slice(1)) ip('-n', ns('m1'), 'address', 'add', `${address}/24`, 'dev', 'eth0');
    // Killed with everything else in the namespaces when they are removed.
    await startScript(ns('client'), PEER_SERVER, 'net');
  });

  /** What the outside saw of each member address, ROUNDS connections each: one address of the pool per source. */
  function addressPerSource(): Map<string, string> {
    const sources = Array.from({ length: ROUNDS }, () => SOURCES).flat();
    const answers = connect('m1', OUTSIDE, sources.length, sources);
    const seen = new Map<string, Set<string>>();
    answers.forEach((answer, i) => {
      seen.set(sources[i]!, (seen.get(sources[i]!) ?? new Set()).add(answer.replace(/^net /, '')));
    });
    const unsteady = [...seen].filter(([, addresses]) => addresses.size !== 1 || !POOL.includes([...addresses][0]!));
    assert.deepEqual(
      unsteady.map(([source, addresses]) => `${source}: ${[...addresses].join(' | ')}`),
      [],
      'every member address appears outside as one address of the pool',
    );
    return new Map([...seen].map(([source, addresses]) => [source, [...addresses][0]!]));
  }

  test('weir writes the pool at start-up, before any load balancer exists', () => {
    const chain = ip('netns', 'exec', ns('lb'), 'nft', 'list', 'chain', 'inet', 'weir', 'source_nat');
    assert.match(
      chain,
      /oifname "cl0" snat ip to jhash ip saddr mod 2 seed 0x[0-9a-f]+ map \{ 0 : 198\.51\.100\.250, 1 : 198\.51\.100\.251 \}/,
    );
  });

  test('each member address leaves from one steady address of the pool, and the pool is shared', (t) => {
    firstSeen = addressPerSource();
    const counts = POOL.map((address) => [...firstSeen!.values()].filter((a) => a === address).length);
    t.diagnostic(`${SOURCES.length} sources x ${ROUNDS} connections; sources per pool address: ${counts.join(', ')}`);
    assert.ok(
      counts.every((count) => count > 0),
      `both addresses are used: ${counts.join(', ')}`,
    );
  });

  test('a client of a nat load balancer is seen by the member with its own address, and answered from the VIP', async () => {
    assert.ok(firstSeen, 'needs the test before');
    const subnet = lab.weir.api('GET', '/v2.0/subnets?name=vips').json.subnets[0];
    const lb = created('/v2/lbaas/loadbalancers', 'loadbalancer', { vip_subnet_id: subnet.id, provider: 'nat' });
    assert.equal(lb.vip_address, VIP);
    await lab.weir.waitActive(lb.id);
    const listener = created('/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lb.id,
      protocol: 'TCP',
      protocol_port: 8080,
    });
    await lab.weir.waitActive(lb.id);
    const pool = created('/v2/lbaas/pools', 'pool', {
      listener_id: listener.id,
      protocol: 'TCP',
      lb_algorithm: 'ROUND_ROBIN',
    });
    await lab.weir.waitActive(lb.id);
    created(`/v2/lbaas/pools/${pool.id}/members`, 'member', { address: MEMBER, protocol_port: 8080 });
    await lab.weir.waitActive(lb.id);

    // The member's answers belong to the DNATed flow, whose first packet alone passed the nat chains: they go back
    // from the VIP, never from the pool, or the client's TCP would not take them.
    assert.deepEqual(connect('client', VIP, 20), Array(20).fill(`m1 ${OUTSIDE}`));
    // The member's own flows go on as before, the table now holding the load balancer too.
    assert.deepEqual(addressPerSource(), firstSeen);
  });
});
