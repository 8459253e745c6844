import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fault } from '../../faults.ts';
import { parseSortSpec, resolveSortKeys } from './sort-spec.ts';

const badRequest = (message: string) => (error: unknown) =>
  error instanceof Fault && error.status === 400 && error.message === message;

describe('parseSortSpec', () => {
  it('reads sort=k:dir,k2 with asc as the default direction, directions in any case', () => {
    assert.deepEqual(parseSortSpec({ sort: 'name:DESC,id' }), [
      { key: 'name', direction: 'desc' },
      { key: 'id', direction: 'asc' },
    ]);
  });

  it('reads the legacy sort_key/sort_dir, padding directions with asc and ignoring extra ones', () => {
    assert.deepEqual(parseSortSpec({ sort_key: 'name,id', sort_dir: 'desc' }), [
      { key: 'name', direction: 'desc' },
      { key: 'id', direction: 'asc' },
    ]);
    assert.deepEqual(parseSortSpec({ sort_key: 'name', sort_dir: 'asc,bogus' }), [{ key: 'name', direction: 'asc' }]);
  });

  it('prefers sort over sort_key, and ignores sort_dir alone or an empty sort', () => {
    assert.deepEqual(parseSortSpec({ sort: 'id', sort_key: 'name', sort_dir: 'desc' }), [
      { key: 'id', direction: 'asc' },
    ]);
    assert.deepEqual(parseSortSpec({ sort_dir: 'bogus' }), []);
    assert.deepEqual(parseSortSpec({ sort: '' }), []);
  });

  it('rejects a bad direction, quoting it lowercased', () => {
    assert.throws(() => parseSortSpec({ sort: 'name:UP' }), badRequest("Supplied sort direction 'up' is not valid."));
    assert.throws(() => parseSortSpec({ sort: 'name:' }), badRequest("Supplied sort direction '' is not valid."));
    assert.throws(
      () => parseSortSpec({ sort_key: 'name', sort_dir: 'x' }),
      badRequest("Supplied sort direction 'x' is not valid."),
    );
  });

  it('rejects more than one colon as a sort key shown as a Python list', () => {
    assert.throws(
      () => parseSortSpec({ sort: 'a:b:c' }),
      badRequest("Supplied sort key '['a', 'b', 'c']' is not valid."),
    );
  });

  it('rejects a repeated sort as a duplicate argument', () => {
    assert.throws(
      () => parseSortSpec({ sort: ['name', 'id'] }),
      badRequest('One or more arguments are either duplicate or invalid'),
    );
  });
});

describe('resolveSortKeys', () => {
  const sortable = new Set(['id', 'name', 'created_at']);

  it('appends created_at and id ascending unless already requested', () => {
    assert.deepEqual(resolveSortKeys([], sortable), [
      { key: 'created_at', direction: 'asc' },
      { key: 'id', direction: 'asc' },
    ]);
    assert.deepEqual(resolveSortKeys([{ key: 'id', direction: 'desc' }], sortable), [
      { key: 'id', direction: 'desc' },
      { key: 'created_at', direction: 'asc' },
    ]);
  });

  it('skips tiebreaks the resource does not have', () => {
    assert.deepEqual(resolveSortKeys([], new Set(['id'])), [{ key: 'id', direction: 'asc' }]);
  });

  it('rejects a key that is not a sortable attribute', () => {
    for (const key of ['bogus', 'tags', 'tenant_id', '']) {
      assert.throws(
        () => resolveSortKeys([{ key, direction: 'asc' }], sortable),
        badRequest(`Supplied sort key '${key}' is not valid.`),
      );
    }
  });
});
