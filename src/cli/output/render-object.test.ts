import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ClientError } from '../../client/client-errors.ts';
import { renderObject } from './render-object.ts';

const pool = {
  id: 'p-1',
  name: 'app',
  admin_state_up: true,
  members: [{ id: 'm-1' }, { id: 'm-2' }],
  session_persistence: { type: 'SOURCE_IP' },
  description: null,
  tenant_id: 'left out: not a column',
};
const COLUMNS = ['admin_state_up', 'description', 'id', 'members', 'name', 'session_persistence'];

test('show as a table: one Field/Value row per column, in column order, cells as the OpenStack CLI prints them', () => {
  assert.equal(
    renderObject(pool, COLUMNS, { format: 'table' }),
    [
      '+---------------------+----------------+',
      '| Field               | Value          |',
      '+---------------------+----------------+',
      '| admin_state_up      | True           |',
      '| description         | None           |',
      '| id                  | p-1            |',
      '| members             | m-1            |',
      '|                     | m-2            |',
      '| name                | app            |',
      '| session_persistence | type=SOURCE_IP |',
      '+---------------------+----------------+',
      '',
    ].join('\n'),
  );
});

test('show as JSON and YAML: the columns as keys, data values kept, id links as ids', () => {
  const expected = {
    admin_state_up: true,
    description: null,
    id: 'p-1',
    members: ['m-1', 'm-2'],
    name: 'app',
    session_persistence: { type: 'SOURCE_IP' },
  };
  assert.deepEqual(JSON.parse(renderObject(pool, COLUMNS, { format: 'json' })), expected);
  assert.deepEqual(parse(renderObject(pool, COLUMNS, { format: 'yaml' })), expected);
});

test('show as values: one value per line; -c picks columns in column order', () => {
  assert.equal(renderObject(pool, COLUMNS, { format: 'value', column: ['name', 'id'] }), 'p-1\napp\n');
  assert.equal(renderObject(pool, COLUMNS, { format: 'value', column: ['members'] }), 'm-1\nm-2\n');
});

test('-c with a column that does not exist is an error naming the ones that do', () => {
  assert.throws(
    () => renderObject(pool, COLUMNS, { format: 'table', column: ['name', 'nope'] }),
    (error: unknown) =>
      error instanceof ClientError && /no column "nope"; columns: admin_state_up, description/.test(error.message),
  );
});
