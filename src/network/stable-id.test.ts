import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameBasedUuid, networkIdFor, subnetIdFor } from './stable-id.ts';

test('nameBasedUuid matches the RFC 4122 version 5 reference value', () => {
  // uuid5(NAMESPACE_DNS, 'www.example.com'), as Python's uuid module computes it.
  assert.equal(
    nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'),
    '2ed6657d-e927-568b-95e1-2665a8aea6a2',
  );
});

test('subnet and network ids are stable and distinct for the same name', () => {
  assert.equal(subnetIdFor('public'), subnetIdFor('public'));
  assert.notEqual(subnetIdFor('public'), subnetIdFor('private'));
  assert.notEqual(subnetIdFor('public'), networkIdFor('public'));
  assert.match(subnetIdFor('public'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
