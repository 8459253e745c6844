import assert from 'node:assert/strict';
import { test } from 'node:test';
import { client, member } from '../../test/support/balancing.ts';
import type { BalancerTarget, PickContext } from './balancer.ts';
import { clientHash, SourceHash } from './source-hash.ts';

const CLIENTS = 50000;
const members = (n: number) => Array.from({ length: n }, (_, i) => member(`m${i}`));

/** Which member each of the clients reaches. */
const placement = (balancer: SourceHash<BalancerTarget>, clients = CLIENTS) =>
  Array.from({ length: clients }, (_, i) => balancer.pick(client(i))?.id);

/** The clients that changed member, and those among them that moved between two members present both times. */
function moves(before: (string | undefined)[], after: (string | undefined)[], present: (id: string) => boolean) {
  let moved = 0;
  let between = 0;
  for (let i = 0; i < before.length; i++) {
    if (before[i] === after[i]) continue;
    moved++;
    if (present(before[i]!) && present(after[i]!)) between++;
  }
  return { moved: moved / before.length, between: between / before.length };
}

test('a client keeps its member; an IPv4-mapped address counts as the IPv4 address', () => {
  const balancer = new SourceHash('SOURCE_IP');
  balancer.update(members(5));
  const seen = new Set<string | undefined>();
  for (let i = 0; i < 200; i++) {
    const v4 = `198.51.100.${i}`;
    const id = balancer.pick({ remoteAddress: v4, remotePort: 1000 + i })?.id;
    seen.add(id);
    assert.equal(balancer.pick({ remoteAddress: v4, remotePort: 40000 })?.id, id);
    assert.equal(balancer.pick({ remoteAddress: `::ffff:${v4}`, remotePort: 2 })?.id, id);
    assert.equal(balancer.pick({ remoteAddress: `::FFFF:${v4}` })?.id, id);
  }
  assert.equal(seen.size, 5);
  assert.equal(clientHash('::ffff:192.0.2.1', 80, 7), clientHash('192.0.2.1', 80, 7));
  assert.notEqual(clientHash('::ffff:0:192.0.2.1', undefined, 7), clientHash('192.0.2.1', undefined, 7));
  assert.notEqual(clientHash('::ffff:ffff', undefined, 7), clientHash('ffff', undefined, 7));
  assert.notEqual(clientHash('192.0.2.1', 80, 7), clientHash('192.0.2.1', 81, 7));
  assert.notEqual(clientHash('192.0.2.1', 80, 7), clientHash('192.0.2.1', 80, 8));
  assert.ok(balancer.pick({}), 'a socket already gone still gets a member');
});

test('SOURCE_IP_PORT spreads one address over the members by source port, each port keeping its member', () => {
  const balancer = new SourceHash('SOURCE_IP_PORT');
  balancer.update(members(5));
  const ports = Array.from({ length: 500 }, (_, i) => ({ remoteAddress: '203.0.113.9', remotePort: 30000 + i }));
  const first = ports.map((ctx) => balancer.pick(ctx)?.id);
  assert.equal(new Set(first).size, 5);
  assert.deepEqual(
    ports.map((ctx) => balancer.pick({ remoteAddress: `::ffff:${ctx.remoteAddress}`, remotePort: ctx.remotePort })?.id),
    first,
  );
});

test('downing one of N members moves exactly the clients it had, and they all come back with it', (t) => {
  for (const n of [10, 50]) {
    const balancer = new SourceHash('SOURCE_IP_PORT');
    balancer.update(members(n));
    const before = placement(balancer);
    balancer.setUp('m3', false);
    const down = placement(balancer);
    const { moved, between } = moves(before, down, (id) => id !== 'm3');
    t.diagnostic(
      `N=${n}: ${(moved * 100).toFixed(2)}% of clients moved (ideal ${(100 / n).toFixed(2)}%), none between others`,
    );
    assert.equal(between, 0);
    assert.ok(Math.abs(moved - 1 / n) < 0.15 / n, `moved ${moved}`);
    balancer.setUp('m3', true);
    assert.deepEqual(placement(balancer), before);
    // Admin down is the same event, arriving with the configuration.
    balancer.update(members(n).map((m) => (m.id === 'm3' ? { ...m, adminStateUp: false } : m)));
    assert.deepEqual(placement(balancer), down);
  }
});

test('removing one of N members from the configuration moves about 1/N of the clients; adding one, 1/(N+1)', (t) => {
  const balancer = new SourceHash('SOURCE_IP');
  balancer.update(members(10));
  const before = placement(balancer);
  balancer.update(members(10).filter((m) => m.id !== 'm3'));
  const removed = moves(before, placement(balancer), (id) => id !== 'm3');
  balancer.update(members(11));
  const added = moves(before, placement(balancer), (id) => id !== 'm10');
  t.diagnostic(
    `remove: ${(removed.moved * 100).toFixed(2)}% moved, ${(removed.between * 100).toFixed(2)}% between others; ` +
      `add: ${(added.moved * 100).toFixed(2)}% moved, ${(added.between * 100).toFixed(2)}% not to the newcomer`,
  );
  assert.ok(Math.abs(removed.moved - 1 / 10) < 0.015 && removed.between < 0.01);
  assert.ok(Math.abs(added.moved - 1 / 11) < 0.015 && added.between < 0.01);
});

test('two nodes given the same members in any order, size and seed send every client to the same member', () => {
  const list = Array.from({ length: 20 }, (_, i) => member(`m${i}`, { weight: 1 + i * 13 }));
  const one = new SourceHash('SOURCE_IP_PORT', { tableSize: 4099, seed: 42 });
  const other = new SourceHash('SOURCE_IP_PORT', { tableSize: 4099, seed: 42 });
  one.update(list);
  other.update([...list].reverse());
  assert.deepEqual(placement(other, 5000), placement(one, 5000));
  const reseeded = new SourceHash('SOURCE_IP_PORT', { tableSize: 4099, seed: 43 });
  reseeded.update(list);
  assert.ok(moves(placement(one, 5000), placement(reseeded, 5000), () => true).moved > 0.5);
});

test('backups are hashed consistently too, and the regulars take their clients back', () => {
  const balancer = new SourceHash('SOURCE_IP');
  balancer.update([...members(3), member('b1', { backup: true }), member('b2', { backup: true })]);
  const regular = placement(balancer, 2000);
  for (const id of ['m0', 'm1', 'm2']) balancer.setUp(id, false);
  const backup = placement(balancer, 2000);
  assert.deepEqual([...new Set(backup)].sort(), ['b1', 'b2']);
  balancer.setUp('b1', false);
  const onB2 = placement(balancer, 2000);
  assert.ok(onB2.every((id) => id === 'b2'));
  balancer.setUp('b1', true);
  assert.deepEqual(placement(balancer, 2000), backup);
  for (const id of ['m0', 'm1', 'm2']) balancer.setUp(id, true);
  assert.deepEqual(placement(balancer, 2000), regular);
});

test('refuses a table size that is not prime when the balancer is made', () => {
  assert.throws(() => new SourceHash('SOURCE_IP', { tableSize: 1000 }), /not a prime/);
  const ctx: PickContext = { remoteAddress: '192.0.2.1' };
  assert.equal(new SourceHash('SOURCE_IP', { tableSize: 3 }).pick(ctx), undefined);
});
