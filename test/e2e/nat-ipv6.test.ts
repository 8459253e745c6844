// End to end, in network namespaces of its own: the `nat` provider over IPv6. A VIP from 2001:db8:f00::/64, routed
// to weir's node, is translated to members behind it, for TCP and UDP; every member sees the client's own IPv6
// address and weights 3:1 split new flows about 3:1. A stateless load balancer (flavor `stateless: true`) does the
// same on one node without tracking a flow: the members' answers, UDP ones too, leave from their own address and
// weir rewrites them to the VIP's.
//
//   client (2001:db8:c::2) --- cl0 [ lb: weir, forwarding ] eth1 --- br0 [ sw ] --- m1 (2001:db8:77::11),
//     m2 (2001:db8:77::12)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Json } from './support/namespaced-weir.ts';
import { ip, kernelSkip } from './support/namespaces.ts';
import { flows, MEMBER_SERVER, routedWeir, TCP_CLIENT, TWO_MEMBERS, tally, UDP_CLIENT } from './support/routed-weir.ts';

const CLIENT = '2001:db8:c::2';
/** The first address of the IPv6 subnet's allocation pool, which the first load balancer gets. */
const VIP = '2001:db8:f00::10';

const skip = kernelSkip();

/** Members m1 and m2 on `port`, weighted 3 and 1. */
const weighted = (port: number): Json[] =>
  TWO_MEMBERS.map(({ name, address6 }) => ({ address: address6, protocol_port: port, weight: name === 'm1' ? 3 : 1 }));

/** The IPv6 flows conntrack holds in a namespace: `conntrack -L` alone lists IPv4 ones only. */
const trackedFlows = (namespace: string) =>
  ip('netns', 'exec', namespace, 'conntrack', '-L', '-f', 'ipv6').split('\n').filter(Boolean);

describe('the nat provider over IPv6', { skip }, () => {
  const prefix = `weir-nat6-${process.pid}`;
  const lab = routedWeir(prefix, [CLIENT], TWO_MEMBERS, MEMBER_SERVER);
  let lbId = '';

  test('a load balancer on an IPv6 VIP with a TCP and a UDP listener, members weighted 3:1, becomes ACTIVE', async () => {
    const lb = await lab.weir.loadBalancer('vips6', { provider: 'nat' });
    assert.equal(lb.vip_address, VIP);
    lbId = lb.id;
    const tcp = { protocol: 'TCP', port: 80, algorithm: 'ROUND_ROBIN', members: weighted(8080) } as const;
    await lab.weir.listenerWithPool(lbId, tcp);
    await lab.weir.listenerWithPool(lbId, { ...tcp, protocol: 'UDP', port: 53, members: weighted(5353) });
  });

  for (const [protocol, script, port, count] of [
    ['TCP', TCP_CLIENT, 80, 200],
    ['UDP', UDP_CLIENT, 53, 100],
  ] as const) {
    test(`${protocol}: members see the client's own IPv6 address; weights 3:1 split new flows about 3:1`, (t) => {
      assert.ok(lbId, 'needs the load balancer of the first test');
      const { m1, m2 } = tally(flows(`${prefix}-client`, script, VIP, port, count), count, CLIENT);
      t.diagnostic(`IPv6 ${protocol}: m1 ${m1}, m2 ${m2} of ${count}`);
      assert.ok(m1 / count >= 0.6 && m1 / count <= 0.9, `m1 got ${m1} of ${count}, expected about 3/4`);
      assert.ok(m2 > 0, 'm2 answers too');
    });
  }

  test("weir's node tracks the VIP's flows (what the stateless case must not)", () => {
    const ofVip = trackedFlows(`${prefix}-lb`).filter((flow) => flow.includes(`dst=${VIP} `));
    assert.ok(ofVip.length > 0, 'conntrack lists the IPv6 flows of the VIP');
  });
});

describe('a stateless nat load balancer over IPv6, on one node', { skip }, () => {
  const prefix = `weir-nat6s-${process.pid}`;
  const lab = routedWeir(prefix, [CLIENT], TWO_MEMBERS, MEMBER_SERVER);
  const listeners: string[] = [];

  test('a stateless load balancer on an IPv6 VIP with a TCP and a UDP listener becomes ACTIVE', async () => {
    const flavor = lab.weir.statelessFlavor();
    const lb = await lab.weir.loadBalancer('vips6', { provider: 'nat', flavor_id: flavor });
    assert.equal(lb.vip_address, VIP);
    const tcp = { protocol: 'TCP', port: 80, algorithm: 'ROUND_ROBIN', members: weighted(8080) } as const;
    listeners.push((await lab.weir.listenerWithPool(lb.id, tcp)).listenerId);
    const udp = { ...tcp, protocol: 'UDP', port: 53, members: weighted(5353) } as const;
    listeners.push((await lab.weir.listenerWithPool(lb.id, udp)).listenerId);
  });

  for (const [protocol, script, port] of [
    ['TCP', TCP_CLIENT, 80],
    ['UDP', UDP_CLIENT, 53],
  ] as const) {
    test(`${protocol}: answered from the VIP by members that see the client's own IPv6 address`, (t) => {
      assert.equal(listeners.length, 2, 'needs the load balancer of the first test');
      const { m1, m2 } = tally(flows(`${prefix}-client`, script, VIP, port, 60), 60, CLIENT);
      t.diagnostic(`stateless IPv6 ${protocol}: m1 ${m1}, m2 ${m2} of 60`);
      assert.ok(m1 > 0 && m2 > 0, `both members answer: m1 ${m1}, m2 ${m2}`);
    });
  }

  test("weir's node tracks no flow of the VIP, and its stateless chains counted the packets", () => {
    const ofVip = trackedFlows(`${prefix}-lb`).filter((flow) => flow.includes(VIP));
    assert.deepEqual(ofVip, [], 'conntrack holds no flow of the VIP');
    for (const listener of listeners) {
      const service = `svc_${listener.replaceAll('-', '')}_0`;
      for (const direction of ['in', 'out']) {
        const counter = ip(
          'netns',
          'exec',
          `${prefix}-lb`,
          'nft',
          'list',
          'counter',
          'inet',
          'weir',
          `${service}_${direction}`,
        );
        assert.match(counter, /packets [1-9]/, `${service}_${direction} counted the packets`);
      }
    }
  });
});
