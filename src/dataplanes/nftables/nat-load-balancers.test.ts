import assert from 'node:assert/strict';
import { test } from 'node:test';
import { member, spec } from '../../../test/support/kernel-spec.ts';
import type { FlowSelector } from './conntrack.ts';
import { NatLoadBalancers } from './nat-load-balancers.ts';
import { NatTable } from './nat-table.ts';

/** Load balancers on a table whose writes and cuts are recorded, not sent to the kernel. */
function recording() {
  const cuts: FlowSelector[] = [];
  const table = new NatTable(
    async () => {},
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
  return { balancers, cuts };
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

test('a member found down loses its flows, even drained or an idle backup; found up again, nothing is cut', async () => {
  const { balancers, cuts } = recording();
  await balancers.apply(
    spec([
      member('a', '10.0.0.1'),
      member('drained', '10.0.0.2', { weight: 0 }),
      member('spare', '10.0.0.3', { backup: true }),
    ]),
  );
  const onError = (error: Error) => assert.fail(error);
  balancers.setMemberHealth('lb', 'drained', false, onError);
  balancers.setMemberHealth('lb', 'spare', false, onError);
  await settle();
  assert.deepEqual(cuts, [flowsOf('10.0.0.2'), flowsOf('10.0.0.3')]);
  balancers.setMemberHealth('lb', 'spare', false, onError);
  balancers.setMemberHealth('lb', 'spare', true, onError);
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
