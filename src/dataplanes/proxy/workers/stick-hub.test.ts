import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StickHub } from './stick-hub.ts';

describe('StickHub', () => {
  it('keeps the first of two workers sticking one new client', () => {
    const hub = new StickHub();
    assert.deepEqual(hub.propose('p', '10.0.0.1', 'a', null, 60_000, 0), { member: 'a', changed: true });
    assert.deepEqual(hub.propose('p', '10.0.0.1', 'b', null, 60_000, 1), { member: 'a', changed: false });
  });

  it('moves a client whose member failed once, whoever else saw it fail', () => {
    const hub = new StickHub();
    hub.propose('p', 'k', 'a', null, 60_000, 0);
    assert.deepEqual(hub.propose('p', 'k', 'b', 'a', 60_000, 1), { member: 'b', changed: true });
    assert.deepEqual(hub.propose('p', 'k', 'c', 'a', 60_000, 2), { member: 'b', changed: false });
    // Learnt from an answer (APP_COOKIE): overwrites.
    assert.deepEqual(hub.propose('p', 'k', 'c', undefined, 60_000, 3), { member: 'c', changed: true });
  });

  it('forgets entries idle for the timeout unless a worker touches them, and tables of pools gone', () => {
    const hub = new StickHub();
    hub.propose('p', 'kept', 'a', null, 1_000, 0);
    hub.propose('p', 'idle', 'a', null, 1_000, 0);
    hub.propose('q', 'x', 'a', null, 1_000, 0);
    hub.touch('p', 'kept', 900);
    assert.deepEqual([...hub.entries(1_500)], [['p', [['kept', 'a']]]]);
    assert.deepEqual(hub.propose('p', 'idle', 'b', null, 1_000, 1_500), { member: 'b', changed: true });
    hub.retain(new Set(['q']));
    assert.deepEqual([...hub.entries(1_500)], []);
  });
});
