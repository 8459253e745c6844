import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hideForeignIds } from './foreign-ids.ts';

test("keeps the ids of the owner's objects and replaces every other one", () => {
  const own = '0a4d905e-8deb-4c7c-8846-85d6603e291d';
  const other = 'E610424D-8EAD-4C0C-A823-D043A9FA90E0';
  assert.equal(
    hideForeignIds(`listener ${own} cannot listen; name "www" is published by ${other}.`, new Set([own])),
    `listener ${own} cannot listen; name "www" is published by (another object).`,
  );
  assert.equal(hideForeignIds('listen EADDRINUSE 127.0.100.1:9000', new Set()), 'listen EADDRINUSE 127.0.100.1:9000');
});
