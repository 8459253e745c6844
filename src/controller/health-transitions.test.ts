import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HealthTransition, HealthTransitions } from './health-transitions.ts';

const transition = (at: number, to: 'UP' | 'DOWN' = 'UP'): HealthTransition => ({
  at,
  memberId: 'm1',
  from: to === 'UP' ? 'DOWN' : 'UP',
  to,
  reason: `check ${at}`,
});

test('keeps the last transitions of each load balancer, oldest first, and forgets a load balancer whole', () => {
  const transitions = new HealthTransitions(3);
  for (let at = 1; at <= 5; at++) transitions.record('lb1', transition(at, at % 2 === 0 ? 'DOWN' : 'UP'));
  transitions.record('lb2', transition(9));
  assert.deepEqual(
    transitions.of('lb1').map((t) => [t.at, t.to]),
    [
      [3, 'UP'],
      [4, 'DOWN'],
      [5, 'UP'],
    ],
  );
  assert.deepEqual(
    transitions.of('lb2').map((t) => t.at),
    [9],
  );
  transitions.forget('lb1');
  assert.deepEqual(transitions.of('lb1'), []);
  assert.equal(transitions.of('lb2').length, 1);
});

test('what it hands out is a copy: later records do not change it', () => {
  const transitions = new HealthTransitions(2);
  transitions.record('lb1', transition(1));
  const seen = transitions.of('lb1');
  transitions.record('lb1', transition(2));
  transitions.record('lb1', transition(3));
  assert.deepEqual(
    seen.map((t) => t.at),
    [1],
  );
});
