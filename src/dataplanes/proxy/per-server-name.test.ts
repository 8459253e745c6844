import assert from 'node:assert/strict';
import { test } from 'node:test';
import { member } from '../../../test/support/kernel-spec.ts';
import { PerServerName } from './per-server-name.ts';

test('values are kept per member and server name, at most so many names per member, the least recently set going', () => {
  const evicted: string[] = [];
  const kept = new PerServerName<string>(2, (value) => evicted.push(value));
  kept.set('m1', 'a.example', 'm1 a');
  kept.set('m1', 'b.example', 'm1 b');
  kept.set('m2', 'a.example', 'm2 a');
  assert.equal(kept.get('m1', 'a.example'), 'm1 a');
  assert.equal(kept.get('m2', 'b.example'), undefined);
  // Set again, a.example is the most recent: c.example pushes b.example out.
  kept.set('m1', 'a.example', 'm1 a again');
  kept.set('m1', 'c.example', 'm1 c');
  assert.deepEqual(evicted, ['m1 b']);
  assert.equal(kept.get('m1', 'a.example'), 'm1 a again');
  assert.equal(kept.get('m1', 'b.example'), undefined);
  assert.equal(kept.get('m2', 'a.example'), 'm2 a');
});

test('retain drops the members left out, clear all of them, each value handed over', () => {
  const kept = new PerServerName<string>(4);
  kept.set('m1', '', 'm1');
  kept.set('m2', '', 'm2');
  kept.set('m2', 'x.example', 'm2 x');
  const dropped: string[] = [];
  kept.retain([member('m1', '10.0.0.1')], (value) => dropped.push(value));
  assert.deepEqual(dropped, ['m2', 'm2 x']);
  assert.equal(kept.get('m1', ''), 'm1');
  kept.clear((value) => dropped.push(value));
  assert.deepEqual(dropped, ['m2', 'm2 x', 'm1']);
  assert.equal(kept.get('m1', ''), undefined);
});

test('a name used (recent) stays before names set once; names whose value holds nothing are pruned', () => {
  const evicted: string[] = [];
  const kept = new PerServerName<string[]>(2, (value) => evicted.push(value.join()));
  kept.set('m1', 'busy.example', ['busy']);
  kept.set('m1', 'once.example', ['once']);
  assert.deepEqual(kept.recent('m1', 'busy.example'), ['busy']);
  assert.equal(kept.recent('m1', 'none.example'), undefined);
  kept.set('m1', 'other.example', ['other']);
  assert.deepEqual(evicted, ['once'], 'the name used least recently goes, not the busy one');
  kept.get('m1', 'other.example')!.length = 0;
  kept.prune((value) => value.length === 0);
  assert.equal(kept.get('m1', 'other.example'), undefined);
  kept.set('m1', 'new.example', ['new']);
  assert.deepEqual(evicted, ['once'], 'a pruned name made room without pushing another out');
  assert.deepEqual([...kept.values()], [['busy'], ['new']]);
});
