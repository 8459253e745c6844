import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerNameIndex } from './server-name-index.ts';

test('exact names before wildcards, a wildcard covers one label, case does not matter', () => {
  const index = new ServerNameIndex<string>();
  index.add(['www.example.com', '*.example.com'], 'first');
  index.add(['*.example.com', 'api.example.com'], 'second');
  assert.equal(index.find('WWW.Example.com'), 'first');
  assert.equal(index.find('api.example.com'), 'second');
  assert.equal(index.find('other.example.com'), 'first');
  assert.equal(index.find('example.com'), undefined);
  assert.equal(index.find('a.b.example.com'), undefined);
  assert.equal(index.find('.example.com'), undefined);
});
