import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { renderList } from './render-list.ts';

const members = [
  { id: 'm-1', name: 'a', protocol_port: 8080, weight: 1, backup: false },
  { id: 'm-2', name: null, protocol_port: 80, weight: 10, backup: true },
];
const COLUMNS = ['id', 'name', 'protocol_port', 'weight'];
const AVAILABLE = [...COLUMNS, 'backup'];

test('list as a table: a header, one row per object, numbers right-aligned', () => {
  assert.equal(
    renderList(members, COLUMNS, AVAILABLE, { format: 'table' }),
    [
      '+-----+------+---------------+--------+',
      '| id  | name | protocol_port | weight |',
      '+-----+------+---------------+--------+',
      '| m-1 | a    |          8080 |      1 |',
      '| m-2 | None |            80 |     10 |',
      '+-----+------+---------------+--------+',
      '',
    ].join('\n'),
  );
});

test('an empty list prints no table, an empty JSON list, no values', () => {
  assert.equal(renderList([], COLUMNS, AVAILABLE, { format: 'table' }), '');
  assert.equal(renderList([], COLUMNS, AVAILABLE, { format: 'json' }), '[]\n');
  assert.equal(renderList([], COLUMNS, AVAILABLE, { format: 'value' }), '');
});

test('list as JSON and YAML: one object per row keyed by column; as values: space-separated rows', () => {
  const rows = [
    { id: 'm-1', name: 'a', protocol_port: 8080, weight: 1 },
    { id: 'm-2', name: null, protocol_port: 80, weight: 10 },
  ];
  assert.deepEqual(JSON.parse(renderList(members, COLUMNS, AVAILABLE, { format: 'json' })), rows);
  assert.deepEqual(parse(renderList(members, COLUMNS, AVAILABLE, { format: 'yaml' })), rows);
  assert.equal(renderList(members, COLUMNS, AVAILABLE, { format: 'value' }), 'm-1 a 8080 1\nm-2 None 80 10\n');
});

test('-c picks among every available column, kept in their order', () => {
  assert.equal(
    renderList(members, COLUMNS, AVAILABLE, { format: 'value', column: ['backup', 'id'] }),
    'm-1 False\nm-2 True\n',
  );
});
