import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { nftIn, normalisedTable } from '../../../test/support/nft-namespace.ts';
import { type DsrService, dsrTableParts, renderDsrTable } from './dsr-ruleset.ts';

const web: DsrService = {
  name: 'dsr_web_0',
  vip: '192.0.2.10',
  protocol: 'tcp',
  port: 80,
  ingress: 'eth0',
  egress: { device: 'eth0', mac: '02:00:00:00:00:01' },
  pick: 'source-ip-port',
  seed: 0x5eed,
  allowedCidrs: null,
  members: ['02:00:00:00:00:0a', '02:00:00:00:00:0b'],
  slots: [0, 1, 0, 0],
};
const dns: DsrService = {
  ...web,
  name: 'dsr_dns_0',
  vip: '2001:db8::10',
  protocol: 'udp',
  port: 53,
  ingress: 'eth1',
  pick: 'source-ip',
  allowedCidrs: ['2001:db8:1::/48'],
};
const idle: DsrService = { ...web, name: 'dsr_idle_0', port: 81, egress: null, members: [], slots: [] };
/** On an interface whose name is no nft identifier. */
const vlan: DsrService = { ...web, name: 'dsr_vlan_0', vip: '192.0.2.20', ingress: 'eth0.100' };

const T = 'netdev weir_dsr';

/** The script that takes the kernel from a table written whole for `before` to `after`, the generation left out. */
function delta(before: readonly DsrService[], after: readonly DsrService[]): string[] {
  const plan = renderDsrTable(before).state.plan(dsrTableParts(after));
  assert.ok(plan, 'written as a delta');
  return plan.script.split('\n').filter((line) => line && !line.includes('weir_generation'));
}

test("frames get weir's MAC as source and the slot's member MAC as destination, from a hash of the flow", () => {
  const { script } = renderDsrTable([web]);
  assert.match(
    script,
    /add rule netdev weir_dsr dsr_web_0 ether saddr set 02:00:00:00:00:01 ether daddr set jhash ip saddr \. tcp sport mod 4 seed 0x5eed map @dsr_web_0_slots fwd to "eth0"/,
  );
  assert.match(script, /add map netdev weir_dsr dsr_web_0_slots \{ typeof numgen random mod 4 : ether daddr ; \}/);
  assert.match(
    script,
    /add element netdev weir_dsr dsr_web_0_slots \{ 0 : 02:00:00:00:00:0a, 1 : 02:00:00:00:00:0b, 2 : 02:00:00:00:00:0a, 3 : 02:00:00:00:00:0a \}/,
  );
  assert.doesNotMatch(script, /numgen random mod \d+ seed|numgen random mod \d+ map/, 'no per-packet chance');
  assert.match(script, /add chain netdev weir_dsr ingress_eth0 \{ type filter hook ingress device "eth0" priority 0;/);
  assert.match(script, /add element netdev weir_dsr services4_eth0 \{ 192\.0\.2\.10 \. tcp \. 80 : goto dsr_web_0 \}/);
});

test('SOURCE_IP hashes the address alone; allowed CIDRs refuse other sources; each ingress interface has a chain', () => {
  const { script } = renderDsrTable([web, dns, vlan]);
  assert.match(script, /jhash ip6 saddr mod 4 seed/);
  assert.match(script, /ip6 saddr != \{ 2001:db8:1::\/48 \} counter name "dsr_dns_0_refused" drop/);
  assert.match(script, /add chain netdev weir_dsr ingress_eth1 \{ type filter hook ingress device "eth1"/);
  assert.match(script, /add element netdev weir_dsr services6_eth1 \{ 2001:db8::10 \. udp \. 53 : goto dsr_dns_0 \}/);
  assert.match(script, /add chain netdev weir_dsr ingress_eth0_2e100 \{ type filter hook ingress device "eth0\.100"/);
});

test('a service without members drops its flows, counted; counters start from what they had', () => {
  const { script } = renderDsrTable([idle], new Map([['dsr_idle_0_refused', { packets: 3, bytes: 180 }]]));
  assert.match(script, /add rule netdev weir_dsr dsr_idle_0 counter name "dsr_idle_0_refused" drop\n/);
  assert.match(script, /add counter netdev weir_dsr dsr_idle_0_refused \{ packets 3 bytes 180 \}/);
  assert.doesNotMatch(script, /dsr_idle_0_slots/);
});

test('a member change writes only the slots that moved, each as a delete and an add; the other services untouched', () => {
  const moved = { ...web, slots: [0, 1, 1, 0] };
  assert.deepEqual(delta([web, dns], [moved, dns]), [
    `delete element ${T} dsr_web_0_slots { 2 }`,
    `add element ${T} dsr_web_0_slots { 2 : 02:00:00:00:00:0b }`,
  ]);
  assert.deepEqual(delta([web, dns], [web, { ...dns }]), [], 'nothing changed: nothing written');
});

test('an added service on a new interface: its interface part first, then the service; a removed one goes back out', () => {
  const added = delta([web], [web, dns]);
  assert.ok(added.every((line) => !line.includes('dsr_web_0')));
  const at = (line: string) => added.indexOf(line);
  assert.ok(at(`add map ${T} services6_eth1 { type ipv6_addr . inet_proto . inet_service : verdict ; }`) >= 0);
  assert.ok(
    at(`add chain ${T} dsr_dns_0`) < at(`add element ${T} services6_eth1 { 2001:db8::10 . udp . 53 : goto dsr_dns_0 }`),
  );
  const removed = delta([web, dns], [web]);
  assert.deepEqual(removed.slice(0, 3), [
    `delete element ${T} services6_eth1 { 2001:db8::10 . udp . 53 }`,
    `flush chain ${T} ingress_eth1`,
    `flush chain ${T} dsr_dns_0`,
  ]);
  assert.ok(removed.includes(`delete map ${T} services6_eth1`));
  assert.ok(removed.every((line) => !line.includes('dsr_web_0') && !line.includes('eth0')));
});

test("a member's new MAC or a new egress rewrites its service's rule, not the other services", () => {
  const script = delta([web, dns], [{ ...web, egress: { device: 'eth2', mac: '02:00:00:00:00:02' } }, dns]);
  assert.equal(script[0], `flush chain ${T} dsr_web_0`);
  assert.ok(script.every((line) => line.includes('dsr_web_0')));
});

const asRoot = process.getuid?.() === 0 ? false : 'needs root for network namespaces';

test('deltas applied one after another leave the table a whole render of the same state gives', {
  skip: asRoot,
}, () => {
  const prefix = `weir-dsrdelta-${process.pid}`;
  const [incremental, whole] = [`${prefix}-a`, `${prefix}-b`];
  const list = (ns: string) => normalisedTable(nftIn(ns, ['list', 'table', 'netdev', 'weir_dsr']));
  const big = (slots: number, every: number) =>
    Array.from({ length: slots }, (_, slot) => (slot % every === 0 ? 1 : 0));
  const steps: (readonly DsrService[])[] = [
    [web, dns],
    [{ ...web, slots: big(16381, 3) }, dns, idle, vlan],
    [{ ...web, slots: big(16381, 5) }, { ...dns, allowedCidrs: null, pick: 'source-ip-port' }, vlan],
    [
      { ...web, slots: big(4099, 2), members: ['02:00:00:00:00:0c', '02:00:00:00:00:0a'] },
      { ...idle, port: 82 },
    ],
    [{ ...vlan, egress: null }],
    [],
    [dns, { ...web, ingress: 'eth1' }],
  ];
  for (const ns of [incremental, whole]) execFileSync('ip', ['netns', 'add', ns]);
  try {
    // The ingress hooks need their interfaces: two veth pairs made inside each namespace (no VLAN module here).
    for (const ns of [incremental, whole]) {
      execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
      execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0.100', 'type', 'veth', 'peer', 'name', 'eth2']);
    }
    const { script, state } = renderDsrTable(steps[0]!);
    nftIn(incremental, ['-f', '-'], script);
    for (const [index, services] of steps.entries()) {
      if (index > 0) {
        const plan = state.plan(dsrTableParts(services));
        assert.ok(plan, `step ${index} is a delta`);
        if (plan.script) nftIn(incremental, ['-f', '-'], plan.script);
        plan.commit();
      }
      nftIn(whole, ['-f', '-'], renderDsrTable(services).script);
      assert.deepEqual(list(incremental), list(whole), `step ${index}`);
    }
    assert.ok(list(whole).some((block) => block.startsWith('chain ingress_eth1')));
    // A table replaced behind weir's back (here by an empty one) refuses the next delta, whole.
    nftIn(incremental, ['-f', '-'], `delete table ${T}\nadd table ${T}\n`);
    const next = state.plan(dsrTableParts([web]));
    assert.throws(() => nftIn(incremental, ['-f', '-'], next!.script), /weir_generation/);
    assert.deepEqual(list(incremental), []);
  } finally {
    for (const ns of [incremental, whole]) execFileSync('ip', ['netns', 'del', ns]);
  }
});
