import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { member, spec } from '../../../test/support/kernel-spec.ts';
import type { FlowSelector } from './conntrack.ts';
import { NatLoadBalancers } from './nat-load-balancers.ts';
import { NatTable } from './nat-table.ts';

/** Load balancers on a table whose writes and cuts are recorded, not sent to the kernel. */
function recording() {
  const cuts: FlowSelector[] = [];
  const scripts: string[] = [];
  const table = new NatTable(
    async (script) => {
      scripts.push(script);
    },
    async () => new Map(),
  );
  const balancers = new NatLoadBalancers(
    table,
    'nat',
    () => true,
    async (flows) => {
      cuts.push(flows);
    },
  );
  return { balancers, cuts, scripts };
}

const flowsOf = (address?: string) => ({
  vip: '192.0.2.10',
  protocol: 'udp',
  port: 53,
  ...(address ? { member: { address, port: 53 } } : {}),
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a drained member keeps its flows; a deleted or disabled one loses them', async () => {
  const { balancers, cuts } = recording();
  const a = member('a', '10.0.0.1');
  const b = member('b', '10.0.0.2');
  await balancers.apply(spec([a, b]));
  await balancers.apply(spec([a, { ...b, weight: 0 }]));
  assert.deepEqual(cuts, []);
  await balancers.apply(spec([a]));
  assert.deepEqual(cuts, [flowsOf('10.0.0.2')]);
  await balancers.apply(spec([{ ...a, adminStateUp: false }]));
  assert.deepEqual(cuts.at(-1), flowsOf('10.0.0.1'));
});

test('a member or listener renamed (only the dns provider reads names) writes nothing and cuts no flows', async () => {
  const { balancers, cuts, scripts } = recording();
  const members = [member('a', '10.0.0.1', { name: 'web1' }), member('b', '10.0.0.2', { weight: 2 })];
  await balancers.apply(spec(members));
  const written = scripts.length;
  const renamed = spec([
    { ...members[0]!, name: 'web-one' },
    { ...members[1]!, name: 'web2' },
  ]);
  await balancers.apply({ ...renamed, listeners: [{ ...renamed.listeners[0]!, name: 'dns-udp' }] });
  assert.deepEqual([scripts.length, cuts], [written, []]);
  await balancers.apply(spec([members[0]!, { ...members[1]!, weight: 3 }]));
  assert.equal(scripts.length, written + 1, 'a weight change is written');
});

test('a member found down loses its flows, even drained or an idle backup; found up again, nothing is cut', async () => {
  const { balancers, cuts } = recording();
  await balancers.apply(
    spec([
      member('a', '10.0.0.1'),
      member('drained', '10.0.0.2', { weight: 0 }),
      member('spare', '10.0.0.3', { backup: true }),
    ]),
  );
  await balancers.setMemberHealth('lb', 'drained', false);
  await balancers.setMemberHealth('lb', 'spare', false);
  await settle();
  assert.deepEqual(cuts, [flowsOf('10.0.0.2'), flowsOf('10.0.0.3')]);
  await balancers.setMemberHealth('lb', 'spare', false);
  await balancers.setMemberHealth('lb', 'spare', true);
  await settle();
  assert.equal(cuts.length, 2, 'only the change to down cuts');
});

test('a pool set admin down, and a load balancer removed, lose their flows', async () => {
  const { balancers, cuts } = recording();
  const members = [member('a', '10.0.0.1')];
  await balancers.apply(spec(members));
  await balancers.apply(spec(members, { adminStateUp: false }));
  assert.deepEqual(cuts, [flowsOf('10.0.0.1')]);
  await balancers.remove('lb');
  assert.deepEqual(cuts.at(-1), flowsOf());
});

/**
 * The member address each slot of the service's Maglev map holds after `scripts` (adds and deletes of its elements),
 * and how many slots the last script wrote.
 */
function slotOwners(scripts: readonly string[]): { owners: string[]; written: number } {
  const owners: string[] = [];
  let written = 0;
  for (const script of scripts) {
    written = 0;
    for (const line of script.split('\n')) {
      if (line.startsWith('delete element inet weir svc_dns_0_slots')) {
        for (const [, slot] of line.matchAll(/(\d+)[,} ]/g)) delete owners[Number(slot)];
      } else if (line.startsWith('add element inet weir svc_dns_0_slots')) {
        for (const [, slot, address] of line.matchAll(/(\d+) : ([\d.]+) \. 53/g)) {
          owners[Number(slot)] = address!;
          written++;
        }
      }
    }
  }
  return { owners, written };
}

test("SOURCE_IP hashes under the pool's seed into its Maglev table; a member down rewrites only its own slots", async () => {
  const { balancers, scripts } = recording();
  const members = [member('a', '10.0.0.1'), member('b', '10.0.0.2', { weight: 2 }), member('c', '10.0.0.3')];
  await balancers.apply(spec(members, { algorithm: 'SOURCE_IP', maglev: { tableSize: 4099, seed: 0xc0ffee } }));
  assert.match(scripts.at(-1)!, /dnat ip to jhash ip saddr mod 4099 seed 0xc0ffee map @svc_dns_0_slots/);
  const before = slotOwners(scripts).owners;
  assert.equal(before.filter(Boolean).length, 4099);
  const share = (owners: string[], address: string) => owners.filter((o) => o === address).length / owners.length;
  assert.ok(Math.abs(share(before, '10.0.0.2') - 0.5) < 0.01, 'shares follow the weights');

  await balancers.setMemberHealth('lb', 'c', false);
  await settle();
  const down = slotOwners(scripts);
  assert.equal(down.owners.filter(Boolean).length, 4099);
  for (let slot = 0; slot < before.length; slot++) {
    if (before[slot] === '10.0.0.3') assert.notEqual(down.owners[slot], '10.0.0.3');
    else assert.equal(down.owners[slot], before[slot], `slot ${slot} moved`);
  }
  assert.equal(down.written, before.filter((o) => o === '10.0.0.3').length, 'only its slots are written');
  assert.doesNotMatch(scripts.at(-1)!, /flush map/);
  await balancers.setMemberHealth('lb', 'c', true);
  await settle();
  assert.deepEqual(slotOwners(scripts).owners, before, 'it gets its own slots back');

  await balancers.apply(spec(members, { algorithm: 'SOURCE_IP_PORT', maglev: { tableSize: 4099, seed: 0xc0ffee } }));
  assert.match(scripts.at(-1)!, /jhash ip saddr \. th sport mod 4099 seed 0xc0ffee map @svc_dns_0_slots/);
  assert.deepEqual(slotOwners(scripts), { owners: before, written: 0 }, 'the same table: only the key differs');
});

test('a stateless load balancer follows the health the store holds, not this node, and cuts no flows', async () => {
  const { balancers, cuts, scripts } = recording();
  const stateless = (members: ReturnType<typeof member>[]) => ({ ...spec(members), flavor: { stateless: true } });
  const a = member('a', '10.0.0.1');
  const b = member('b', '10.0.0.2');
  await balancers.apply(stateless([a, b]));
  const slotsOf = (script: string, address: string) =>
    (script.match(new RegExp(`\\d+ : ${address.replaceAll('.', '\\.')}(?=[,\\s])`, 'g')) ?? []).length;
  const first = scripts.at(-1)!;
  assert.match(first, /add element inet weir stateless4 \{ 192\.0\.2\.10 \. udp \. 53 : goto svc_dns_0 \}/);
  assert.ok(slotsOf(first, '10.0.0.2') > 0);

  await balancers.setMemberHealth('lb', 'b', false);
  await settle();
  assert.equal(scripts.length, 1, "this node's own checks change nothing");

  await balancers.apply(stateless([a, { ...b, foundDown: true }]));
  const after = scripts.at(-1)!;
  assert.equal(slotsOf(after, '10.0.0.2'), 0, 'the stored verdict takes b out');
  assert.equal(slotsOf(after, '10.0.0.1'), slotsOf(first, '10.0.0.2'), "b's slots go to a, and only they are written");
  await balancers.apply(stateless([a]));
  await balancers.remove('lb');
  assert.deepEqual(cuts, [], 'no connection state to cut');
});

test('after a restart, flows of members deleted or disabled while weir was down are cut; drained ones keep theirs', async () => {
  const saved = join(mkdtempSync(join(tmpdir(), 'weir-restart-')), 'nat-services.json');
  const quiet = () =>
    new NatTable(
      async () => {},
      async () => new Map(),
    );
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id, i) => member(id, `10.0.0.${i + 1}`));
  const first = quiet();
  first.restoreFrom(saved);
  await new NatLoadBalancers(
    first,
    'nat',
    () => true,
    async () => {},
  ).apply(spec([a!, b!, c!, d!]));

  const second = quiet();
  second.restoreFrom(saved);
  const cuts: FlowSelector[] = [];
  const restarted = new NatLoadBalancers(
    second,
    'nat',
    () => true,
    async (flows) => {
      cuts.push(flows);
    },
  );
  // While weir was down: b deleted, c set admin down, d drained.
  await restarted.apply(spec([a!, { ...c!, adminStateUp: false }, { ...d!, weight: 0 }]));
  assert.deepEqual(cuts, [flowsOf('10.0.0.2'), flowsOf('10.0.0.3')]);
});
