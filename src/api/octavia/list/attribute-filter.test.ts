import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesFilter } from './attribute-filter.ts';

describe('matchesFilter', () => {
  it('matches text exactly, case included', () => {
    assert.equal(matchesFilter('name', 'lb1', 'lb1'), true);
    assert.equal(matchesFilter('name', 'lb1', 'LB1'), false);
    assert.equal(matchesFilter('name', '5', '05'), false);
  });

  it('never matches null, not even with an empty filter', () => {
    assert.equal(matchesFilter('flavor_id', null, ''), false);
    assert.equal(matchesFilter('flavor_id', undefined, 'x'), false);
  });

  it('reads admin_state_up with bool_from_string: anything but a true word is false', () => {
    for (const text of ['true', 'True', ' YES ', '1', 't', 'on', 'y']) {
      assert.equal(matchesFilter('admin_state_up', true, text), true, text);
    }
    for (const text of ['false', '0', 'no', 'xyz', '']) {
      assert.equal(matchesFilter('admin_state_up', false, text), true, text);
      assert.equal(matchesFilter('admin_state_up', true, text), false, text);
    }
  });

  it('matches numbers with any numeric literal of the same value', () => {
    for (const text of ['5', '05', '5.0', '+5', ' 5 ', '5e0', '.5e1']) {
      assert.equal(matchesFilter('weight', 5, text), true, text);
    }
    for (const text of ['x', '0x5', '6', '']) assert.equal(matchesFilter('weight', 5, text), false, text);
  });

  it('matches other booleans as 0/1 columns: 1 is true, the words true/false match nothing', () => {
    assert.equal(matchesFilter('backup', true, '1'), true);
    assert.equal(matchesFilter('backup', true, '1.0'), true);
    assert.equal(matchesFilter('backup', false, '0'), true);
    assert.equal(matchesFilter('backup', true, 'true'), false);
    assert.equal(matchesFilter('backup', false, 'false'), false);
  });

  it('never matches lists or objects', () => {
    assert.equal(matchesFilter('listeners', [], ''), false);
    assert.equal(matchesFilter('session_persistence', { type: 'x' }, 'x'), false);
  });
});
