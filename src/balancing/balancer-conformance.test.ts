import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { client, drive, member, shareError } from '../../test/support/balancing.ts';
import { LB_ALGORITHMS, type LbAlgorithm } from '../model/constants.ts';
import { balancerFor } from './balancer-for.ts';

/** How far each algorithm's shares may stray from the weights over the picks below, and why. */
const TOLERANCE: Record<LbAlgorithm, number> = {
  // Exact: 100000 picks are whole rotations of the weights.
  ROUND_ROBIN: 0,
  // 1000 connections stay open, closing oldest first: the open ones, and with them the picks, follow the weights
  // up to rounding to whole connections (with 65 open, weight 1 of 20 holds 3 instead of 3.25: 7.7% off).
  LEAST_CONNECTIONS: 0.01,
  // 100000 distinct clients hashed: one standard deviation is 1.4% on the smallest share (weight 1 of 20).
  SOURCE_IP: 0.05,
  SOURCE_IP_PORT: 0.05,
};

for (const algorithm of LB_ALGORITHMS) {
  describe(`${algorithm} conformance`, () => {
    test('picks nothing from an empty pool', () => {
      const balancer = balancerFor(algorithm);
      assert.equal(balancer.pick(client(0)), undefined);
      balancer.update([]);
      assert.equal(balancer.pick(client(0)), undefined);
    });

    test('never picks a member that is down, admin down, drained (weight 0) or a backup while a regular serves', () => {
      const balancer = balancerFor(algorithm);
      balancer.update([
        member('a', { weight: 2 }),
        member('b'),
        member('down'),
        member('admin-down', { adminStateUp: false }),
        member('drained', { weight: 0 }),
        member('spare', { backup: true }),
      ]);
      balancer.setUp('down', false);
      assert.deepEqual([...drive(balancer, 3000).keys()].sort(), ['a', 'b']);
    });

    test('falls back to the eligible backups, in proportion, and back to the regulars when one returns', () => {
      const balancer = balancerFor(algorithm);
      balancer.update([
        member('r1'),
        member('r2', { adminStateUp: false }),
        member('b1', { backup: true }),
        member('b2', { backup: true, weight: 3 }),
        member('b-drained', { backup: true, weight: 0 }),
        member('b-down', { backup: true }),
      ]);
      balancer.setUp('b-down', false);
      balancer.setUp('r1', false);
      const counts = drive(balancer, 4000);
      assert.deepEqual([...counts.keys()].sort(), ['b1', 'b2']);
      assert.ok(shareError(counts, { b1: 1, b2: 3 }) <= Math.max(TOLERANCE[algorithm], 0.05));
      balancer.setUp('r1', true);
      assert.deepEqual([...drive(balancer, 1000).keys()], ['r1']);
    });

    test('picks nothing when no member, regular or backup, is eligible', () => {
      const balancer = balancerFor(algorithm);
      balancer.update([member('a'), member('b', { weight: 0 }), member('c', { backup: true, adminStateUp: false })]);
      balancer.setUp('a', false);
      for (let i = 0; i < 100; i++) assert.equal(balancer.pick(client(i)), undefined);
      balancer.setUp('a', true);
      assert.equal(balancer.pick(client(0))?.id, 'a');
    });

    test(`shares follow the weights within ${TOLERANCE[algorithm] * 100}% over 100000 picks, 1000 open`, (t) => {
      const balancer = balancerFor(algorithm);
      const weights = { a: 1, b: 2, c: 3, d: 4, e: 10 };
      balancer.update(Object.entries(weights).map(([id, weight]) => member(id, { weight })));
      const error = shareError(drive(balancer, 100000, 1000), weights);
      t.diagnostic(`largest share error ${(error * 100).toFixed(2)}%`);
      assert.ok(error <= TOLERANCE[algorithm], `share error ${error}`);
    });

    test('keeps health marks across configuration updates, and forgets them for removed members', () => {
      const balancer = balancerFor(algorithm);
      balancer.update([member('a'), member('b')]);
      balancer.setUp('a', false);
      balancer.update([member('a', { weight: 5 }), member('b'), member('c')]);
      assert.deepEqual([...drive(balancer, 1000).keys()].sort(), ['b', 'c']);
      balancer.update([member('b')]);
      balancer.update([member('a'), member('b')]);
      assert.deepEqual([...drive(balancer, 1000).keys()].sort(), ['a', 'b']);
    });

    test('ignores health reports for members it does not have', () => {
      const balancer = balancerFor(algorithm);
      balancer.update([member('a')]);
      balancer.setUp('gone', false);
      balancer.setUp('gone', true);
      assert.equal(balancer.pick(client(1))?.id, 'a');
    });

    test('returns the caller’s own member objects, the newest ones after an update', () => {
      const balancer = balancerFor<ReturnType<typeof member> & { port: number }>(algorithm);
      balancer.update([{ ...member('a'), port: 80 }]);
      balancer.update([{ ...member('a'), port: 8080 }]);
      assert.equal(balancer.pick(client(2))?.port, 8080);
    });

    test('refuses duplicate ids and weights outside 0-256', () => {
      const balancer = balancerFor(algorithm);
      assert.throws(() => balancer.update([member('a'), member('a')]), /appears twice/);
      assert.throws(() => balancer.update([member('a', { weight: 257 })]), RangeError);
      assert.throws(() => balancer.update([member('a', { weight: 1.5 })]), RangeError);
    });
  });
}
