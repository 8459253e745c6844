import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { backendsOn, natService, slotsInTurn } from '../../../test/support/nat-service.ts';
import { nftIn, normalisedTable } from '../../../test/support/nft-namespace.ts';
import { type NatService, natTableParts, renderNatTable } from './nat-ruleset.ts';
import type { SourceNatRule } from './source-nat-ruleset.ts';

const web = natService('svc_web', { backends: backendsOn(8080, '10.0.0.1', '10.0.0.2') });
/** Another listener on web's VIP, with one member in common. */
const tls: NatService = { ...web, name: 'svc_tls', port: 443, backends: backendsOn(8443, '10.0.0.1') };
const dns = natService('svc_dns', {
  vip: '2001:db8::10',
  protocol: 'udp',
  port: 53,
  pick: 'source-ip-port',
  seed: 0xabc,
  backends: backendsOn(53, '2001:db8::1', '2001:db8::2'),
  table: slotsInTurn(4099),
});
/** Stateless, with members on two ports: an address map and a port map. */
const stl = natService('svc_stl', {
  vip: '192.0.2.20',
  pick: 'source-ip-port',
  stateless: true,
  backends: [...backendsOn(8080, '10.0.1.1'), ...backendsOn(8081, '10.0.1.2')],
  table: slotsInTurn(7),
});
const pool: SourceNatRule = { sources: ['10.0.0.0/24'], addresses: ['203.0.113.10'] };

/** The script that takes the kernel from a table written whole for `before` to `after`. */
function delta(
  before: readonly NatService[],
  after: readonly NatService[],
  sourceNat: { before?: SourceNatRule[]; after?: SourceNatRule[] } = {},
): string[] {
  const plan = renderNatTable(before, new Map(), sourceNat.before).state.plan(natTableParts(after, sourceNat.after));
  assert.ok(plan, 'written as a delta');
  return plan.script.split('\n').filter((line) => line && !line.includes('weir_generation'));
}

test('a delta first moves the generation on, so it fails and changes nothing on a table weir did not write', () => {
  const { state } = renderNatTable([web]);
  const plan = state.plan(natTableParts([]));
  assert.deepEqual(plan?.script.split('\n').slice(0, 2), [
    'delete element inet weir weir_generation { 0 }',
    'add element inet weir weir_generation { 1 }',
  ]);
  plan!.commit();
  assert.match(state.plan(natTableParts([web]))!.script, /^delete element inet weir weir_generation \{ 1 \}\n/);
});

test('nothing changed: nothing written', () => {
  assert.deepEqual(delta([web, dns], [web, { ...dns, table: [...dns.table!] }]), []);
});

test('a removed service: its elements go first, then its chain is flushed and deleted, then its objects', () => {
  assert.deepEqual(delta([web, tls], [web]), [
    'delete element inet weir services4 { 192.0.2.10 . tcp . 443 }',
    'delete element inet weir bytes_in4 { 192.0.2.10 . tcp . 443 }',
    'delete element inet weir bytes_out4 { 192.0.2.10 . tcp . 443 }',
    'flush chain inet weir svc_tls',
    'delete chain inet weir svc_tls',
    'delete counter inet weir svc_tls_in',
    'delete counter inet weir svc_tls_out',
    'delete counter inet weir svc_tls_new',
    'delete counter inet weir svc_tls_refused',
  ]);
  // 192.0.2.10 . 10.0.0.1 stays in the hairpin set: web still has that member.
  assert.ok(delta([dns], []).includes('delete map inet weir svc_dns_slots'));
});

test('an added service: its objects, chain, slots, rules, then its dispatch elements; the others untouched', () => {
  const script = delta([web], [web, tls, dns]);
  const at = (prefix: string) => script.findIndex((line) => line.startsWith(prefix));
  assert.deepEqual(
    script.filter((line) => !/svc_dns|2001:db8/.test(line)),
    [
      'add counter inet weir svc_tls_in',
      'add counter inet weir svc_tls_out',
      'add counter inet weir svc_tls_new',
      'add counter inet weir svc_tls_refused',
      'add chain inet weir svc_tls',
      'add rule inet weir svc_tls meta l4proto tcp counter name "svc_tls_new" dnat ip to numgen random mod 1 map { 0 : 10.0.0.1 . 8443 }',
      'add element inet weir services4 { 192.0.2.10 . tcp . 443 : goto svc_tls }',
      'add element inet weir bytes_in4 { 192.0.2.10 . tcp . 443 : "svc_tls_in" }',
      'add element inet weir bytes_out4 { 192.0.2.10 . tcp . 443 : "svc_tls_out" }',
    ],
    'the hairpin element 192.0.2.10 . 10.0.0.1 is there already, for web',
  );
  assert.ok(at('add map inet weir svc_dns_slots') < at('add element inet weir svc_dns_slots'));
  assert.ok(at('add element inet weir svc_dns_slots') < at('add rule inet weir svc_dns'));
  assert.ok(at('add rule inet weir svc_dns') < at('add element inet weir services6'));
  assert.equal(script.filter((line) => line.startsWith('add element inet weir svc_dns_slots')).length, 2, 'chunked');
});

test("a member leaving a random service rewrites its chain's rules and its hairpin element, nothing else", () => {
  const one = { ...web, backends: [web.backends[0]!] };
  assert.deepEqual(delta([web, dns], [one, dns]), [
    'delete element inet weir hairpin4 { 192.0.2.10 . 10.0.0.2 }',
    'flush chain inet weir svc_web',
    'add rule inet weir svc_web meta l4proto tcp counter name "svc_web_new" dnat ip to numgen random mod 1 map { 0 : 10.0.0.1 . 8080 }',
  ]);
});

test('a Maglev table that changes writes only the slots that changed, each as a delete and an add', () => {
  const table = dns.table!.map((member, slot) => (slot < 10 ? 0 : member));
  const script = delta([dns], [{ ...dns, table }]);
  const moved = [1, 3, 5, 7, 9];
  assert.deepEqual(script, [
    `delete element inet weir svc_dns_slots { ${moved.join(', ')} }`,
    `add element inet weir svc_dns_slots { ${moved.map((slot) => `${slot} : 2001:db8::1 . 53`).join(', ')} }`,
  ]);
});

test('a Maglev table of another size replaces the map, after the chain that names it is flushed', () => {
  const table = slotsInTurn(4111);
  const script = delta([dns], [{ ...dns, table }]);
  assert.deepEqual(script.slice(0, 4), [
    'flush chain inet weir svc_dns',
    'delete map inet weir svc_dns_slots',
    'add map inet weir svc_dns_slots { typeof numgen random mod 4111 : ip6 daddr . th dport ; }',
    `add element inet weir svc_dns_slots { ${table
      .slice(0, 4096)
      .map((member, slot) => `${slot} : 2001:db8::${member + 1} . 53`)
      .join(', ')} }`,
  ]);
  assert.match(script.at(-1)!, /^add rule inet weir svc_dns .* mod 4111 seed 0xabc map @svc_dns_slots$/);
});

test('a hairpin element two services hold stays until the last of them lets it go', () => {
  assert.deepEqual(
    delta([web, tls], [{ ...web, backends: [web.backends[1]!] }, tls]).filter((line) => line.includes('hairpin')),
    [],
  );
  const script = delta([web, tls], [{ ...web, backends: [web.backends[1]!] }]);
  assert.ok(script.includes('delete element inet weir hairpin4 { 192.0.2.10 . 10.0.0.1 }'));
});

test('source NAT configured, changed or taken out touches its own chain alone', () => {
  const rule = 'ct status & dnat == 0 ip saddr { 10.0.0.0/24 } ip daddr != { 10.0.0.0/24 } snat ip to 203.0.113.10';
  assert.deepEqual(delta([web], [web], { after: [pool] }), [
    'add chain inet weir source_nat { type nat hook postrouting priority srcnat + 1; policy accept; }',
    `add rule inet weir source_nat ${rule}`,
  ]);
  assert.deepEqual(delta([web], [web], { before: [pool], after: [{ ...pool, addresses: ['203.0.113.11'] }] }), [
    'flush chain inet weir source_nat',
    `add rule inet weir source_nat ${rule.replace('.10', '.11')}`,
  ]);
  assert.deepEqual(delta([web], [web], { before: [pool] }), [
    'flush chain inet weir source_nat',
    'delete chain inet weir source_nat',
  ]);
});

const asRoot = process.getuid?.() === 0 ? false : 'needs root for network namespaces';

test('deltas applied one after another leave the table a whole render of the same state gives', {
  skip: asRoot,
}, () => {
  const prefix = `weir-delta-${process.pid}`;
  const [incremental, whole] = [`${prefix}-a`, `${prefix}-b`];
  const list = (ns: string) => normalisedTable(nftIn(ns, ['list', 'table', 'inet', 'weir']));
  const steps: (readonly NatService[])[] = [
    [web, dns],
    [web, tls, dns, { ...web, name: 'svc_idle', port: 81, backends: [] }, stl],
    [
      { ...web, backends: [web.backends[1]!, { address: '10.0.0.3', port: 8080, weight: 3 }] },
      { ...tls, connectionLimit: 5 },
      { ...stl, backends: stl.backends.map((b) => ({ ...b, port: 8080 })), table: [0, 0, 1, 1, 0, 1, 0] },
      { ...dns, table: dns.table!.map((member, slot) => (slot % 7 === 0 ? 1 - member : member)) },
    ],
    [tls, { ...dns, pick: 'source-ip', table: slotsInTurn(4111) }],
    [
      { ...tls, allowedCidrs: ['198.51.100.0/24'], connectionLimit: 10 },
      { ...web, vip: '192.0.2.11' },
    ],
    [],
    [dns],
  ];
  // Source NAT comes with the third state, changes with the fourth and goes with the sixth.
  const sourceNat = (step: number) =>
    step < 2 || step > 4 ? [] : [{ ...pool, interface: step === 3 ? 'eth0' : undefined }];
  for (const ns of [incremental, whole]) execFileSync('ip', ['netns', 'add', ns]);
  try {
    const { script, state } = renderNatTable(steps[0]!, new Map(), sourceNat(0));
    nftIn(incremental, ['-f', '-'], script);
    for (const [index, services] of steps.entries()) {
      if (index > 0) {
        const plan = state.plan(natTableParts(services, sourceNat(index)));
        assert.ok(plan, `step ${index} is a delta`);
        if (plan.script) nftIn(incremental, ['-f', '-'], plan.script);
        plan.commit();
      }
      nftIn(whole, ['-f', '-'], renderNatTable(services, new Map(), sourceNat(index)).script);
      assert.deepEqual(list(incremental), list(whole), `step ${index}`);
      const snat = list(incremental).some((block) => block.startsWith('chain source_nat'));
      assert.equal(snat, sourceNat(index).length > 0, `step ${index}: source NAT`);
      const ports = list(incremental).some((block) => block.startsWith('map svc_stl_ports'));
      assert.equal(ports, index === 1, `step ${index}: the stateless port map`);
    }
    assert.ok(list(whole).some((block) => block.startsWith('map svc_dns_slots')));
    // A table replaced behind weir's back (here by an empty one) refuses the next delta, whole.
    nftIn(incremental, ['-f', '-'], 'delete table inet weir\nadd table inet weir\n');
    const next = state.plan(natTableParts([web]));
    assert.throws(() => nftIn(incremental, ['-f', '-'], next!.script), /weir_generation/);
    assert.deepEqual(list(incremental), []);
  } finally {
    for (const ns of [incremental, whole]) execFileSync('ip', ['netns', 'del', ns]);
  }
});
