import assert from 'node:assert/strict';
import { test } from 'node:test';
import { member } from '../../test/support/balancing.ts';
import { LeastConnections } from './least-connections.ts';

type Member = ReturnType<typeof member>;

function open(balancer: LeastConnections<Member>, target: Member, connections: number): void {
  for (let i = 0; i < connections; i++) balancer.connectionStarted(target);
}

test('picks the member with the fewest connections for its weight', () => {
  const balancer = new LeastConnections<Member>();
  const [a, b, c] = [member('a'), member('b'), member('c')] as const;
  balancer.update([a, b, c]);
  open(balancer, a, 3);
  open(balancer, b, 1);
  assert.equal(balancer.pick()?.id, 'c');
  open(balancer, c, 2);
  assert.equal(balancer.pick()?.id, 'b');
  open(balancer, b, 2);
  balancer.connectionEnded(a);
  balancer.connectionEnded(a);
  assert.equal(balancer.pick()?.id, 'a');

  const heavy = new LeastConnections<Member>();
  const [h, l] = [member('heavy', { weight: 3 }), member('light')] as const;
  heavy.update([h, l]);
  // (2 + 1) / 3 = 1 is below (1 + 1) / 1 = 2: the heavy member takes it despite having more connections.
  open(heavy, h, 2);
  open(heavy, l, 1);
  assert.equal(heavy.pick()?.id, 'heavy');
  open(heavy, h, 4);
  assert.equal(heavy.pick()?.id, 'light');
});

test('an idle pool starts with the heavier members; equal members take turns evenly', () => {
  const balancer = new LeastConnections<Member>();
  balancer.update([member('light'), member('heavy', { weight: 4 })]);
  assert.equal(balancer.pick()?.id, 'heavy');

  const equal = new LeastConnections<Member>();
  equal.update([member('a'), member('b'), member('c')]);
  assert.equal(Array.from({ length: 9 }, () => equal.pick()?.id).join(''), 'abcabcabc');
});

test('connection counts survive configuration and health changes; a drained member is never picked', () => {
  const balancer = new LeastConnections<Member>();
  const a = member('a');
  balancer.update([a, member('b')]);
  open(balancer, a, 5);
  balancer.setUp('a', false);
  balancer.update([member('a', { weight: 0 }), member('b')]);
  assert.equal(balancer.activeConnections('a'), 5);
  for (let i = 0; i < 10; i++) assert.equal(balancer.pick()?.id, 'b');
  balancer.connectionEnded(a);
  balancer.update([member('a'), member('b')]);
  balancer.setUp('a', true);
  open(balancer, balancer.pick()!, 3);
  assert.equal(balancer.activeConnections('a'), 4);
  assert.equal(balancer.pick()?.id, 'b');
});

test('a removed member is forgotten once its last connection ends, and counts never go below zero', () => {
  const balancer = new LeastConnections<Member>();
  const a = member('a');
  balancer.update([a, member('b')]);
  open(balancer, a, 2);
  balancer.update([member('b')]);
  balancer.connectionEnded(a);
  assert.equal(balancer.activeConnections('a'), 1);
  balancer.connectionEnded(a);
  balancer.connectionEnded(a);
  assert.equal(balancer.activeConnections('a'), 0);
  // Added again, it is a new member starting from zero.
  balancer.update([member('a'), member('b')]);
  balancer.connectionEnded(a);
  assert.equal(balancer.activeConnections('a'), 0);
  assert.equal(balancer.pick()?.id, 'a');
});
