import assert from 'node:assert/strict';
import { test } from 'node:test';
import { member, spec } from '../../../test/support/kernel-spec.ts';
import { RecordedServices } from '../../../test/support/recorded-services.ts';
import { DsrLoadBalancers } from './dsr-load-balancers.ts';
import type { DsrService } from './dsr-ruleset.ts';
import { type MemberLink, NotOnLink } from './member-links.ts';

const MAC: Record<string, string> = { '10.0.0.1': '02:00:00:00:00:01', '10.0.0.2': '02:00:00:00:00:02' };

/** Load balancers whose table writes are kept, and whose members' links come from `links` (a function: lookups). */
function recording(links: (address: string) => MemberLink | null | 'not on link') {
  const written: DsrService[][] = [];
  const logged: string[] = [];
  const table = new RecordedServices<DsrService>(async (services) => void written.push([...services]));
  const learning = {
    member: async (address: string) => {
      const link = links(address);
      if (link === 'not on link') throw new NotOnLink(`member ${address} is reached through the gateway 10.0.0.254`);
      return link;
    },
    mac: async () => '02:00:00:00:00:99',
  };
  const balancers = new DsrLoadBalancers(table, learning, (message) => logged.push(message));
  return { balancers, written, logged, last: () => written.at(-1)![0]! };
}

const onLink = (address: string): MemberLink => ({ device: 'eth0', mac: MAC[address]! });
const share = (service: DsrService, mac: string) =>
  service.slots.filter((slot) => service.members[slot] === mac).length / service.slots.length;

test('weights 3:1 become Maglev slots about 3:1, forwarded with the members interface and MAC', async () => {
  const { balancers, last } = recording(onLink);
  await balancers.apply(spec([member('a', '10.0.0.1', { weight: 3 }), member('b', '10.0.0.2', { weight: 1 })]));
  const service = last();
  assert.deepEqual(service.egress, { device: 'eth0', mac: '02:00:00:00:00:99' });
  assert.equal(service.ingress, 'eth0', 'without a VIP interface, traffic arrives on the members link');
  assert.equal(service.slots.length, 65537, "the pool's stored table size");
  assert.ok(Math.abs(share(service, MAC['10.0.0.1']!) - 0.75) < 0.01, `${share(service, MAC['10.0.0.1']!)}`);
  assert.equal(service.pick, 'source-ip-port');
});

test('a member renamed (only the dns provider reads names) writes nothing', async () => {
  const { balancers, written } = recording(onLink);
  const a = member('a', '10.0.0.1', { name: 'web1' });
  await balancers.apply(spec([a, member('b', '10.0.0.2')]));
  const writes = written.length;
  await balancers.apply(spec([{ ...a, name: 'web-one' }, member('b', '10.0.0.2', { name: 'web2' })]));
  assert.equal(written.length, writes);
});

test('a member down keeps its place: only its slots move, the others keep every flow they had', async () => {
  const { balancers, written } = recording(onLink);
  await balancers.apply(spec([member('a', '10.0.0.1'), member('b', '10.0.0.2')]));
  const before = written.at(-1)![0]!;
  await balancers.setMemberHealth('lb', 'b', false);
  const after = written.at(-1)![0]!;
  assert.equal(share(after, MAC['10.0.0.2']!), 0);
  for (const [slot, owner] of before.slots.entries()) {
    if (before.members[owner] === MAC['10.0.0.1']) assert.equal(after.members[after.slots[slot]!], MAC['10.0.0.1']);
  }
});

test('a member that is not on the link gets no slots and fails the apply with the reason, after the rest is written', async () => {
  const { balancers, last } = recording((address) => (address === '10.0.0.2' ? 'not on link' : onLink(address)));
  await assert.rejects(
    balancers.apply(spec([member('a', '10.0.0.1'), member('b', '10.0.0.2')])),
    /member 10\.0\.0\.2 is reached through the gateway/,
  );
  assert.deepEqual(last().members, [MAC['10.0.0.1']]);
});

test('a member whose MAC is unknown gets no slots until its health changes and its MAC is learned', async () => {
  let known = false;
  const { balancers, written, logged } = recording((address) =>
    address === '10.0.0.2' && !known ? null : onLink(address),
  );
  await balancers.apply(spec([member('a', '10.0.0.1'), member('b', '10.0.0.2')]));
  assert.deepEqual(written.at(-1)![0]!.members, [MAC['10.0.0.1']]);
  assert.match(logged.join('\n'), /10\.0\.0\.2 does not answer ARP/);
  known = true;
  await balancers.setMemberHealth('lb', 'b', true);
  assert.deepEqual(written.at(-1)![0]!.members.toSorted(), [MAC['10.0.0.1'], MAC['10.0.0.2']]);
});

test('members of the other address family, and admin down load balancers, take no flows', async () => {
  const { balancers, written } = recording(onLink);
  await balancers.apply(spec([member('a', '10.0.0.1'), member('v6', '2001:db8::1')], { algorithm: 'SOURCE_IP' }));
  assert.deepEqual(written.at(-1)![0]!.members, [MAC['10.0.0.1']]);
  assert.equal(written.at(-1)![0]!.pick, 'source-ip');
  await balancers.apply({ ...spec([member('a', '10.0.0.1')]), adminStateUp: false });
  assert.deepEqual(written.at(-1), []);
});
