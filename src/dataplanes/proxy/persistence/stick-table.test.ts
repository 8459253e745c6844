import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StickTable } from './stick-table.ts';

describe('StickTable', () => {
  it('remembers a key until it has been idle for the timeout', () => {
    const table = new StickTable(10, 1_000);
    table.set('10.0.0.1', 'a', 0);
    assert.equal(table.hit('10.0.0.1', 999)?.member, 'a');
    // The use at 999 keeps it alive for another second.
    assert.equal(table.hit('10.0.0.1', 1_998)?.member, 'a');
    assert.equal(table.hit('10.0.0.1', 2_998), undefined);
    assert.equal(table.size, 0);
  });

  it('evicts the least recently used entry when full', () => {
    const table = new StickTable(2, 60_000);
    table.set('x', 'a', 0);
    table.set('y', 'b', 0);
    table.hit('x', 5_000);
    table.set('z', 'c', 5_000);
    assert.equal(table.size, 2);
    assert.equal(table.peek('y', 5_000), undefined);
    assert.equal(table.peek('x', 5_000), 'a');
    assert.equal(table.peek('z', 5_000), 'c');
  });

  it('drops expired entries as new ones are written', () => {
    const table = new StickTable(100, 1_000);
    for (let i = 0; i < 4; i++) table.set(`k${i}`, 'a', 0);
    table.set('fresh', 'b', 5_000);
    assert.equal(table.size, 1);
  });

  it('overwrites an entry and keeps it alive when another worker used it', () => {
    const table = new StickTable(10, 1_000);
    table.set('k', 'a', 0);
    table.set('k', 'b', 500);
    table.touch('k', 1_400);
    assert.equal(table.peek('k', 2_300), 'b');
    table.delete('k');
    assert.equal(table.peek('k', 2_300), undefined);
  });
});
