import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecretKey, redact, redactText } from './redact.ts';

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n';

test('secret keys are matched case-insensitively, also as suffixes', () => {
  for (const key of ['password', 'admin_password', 'Secret', 'client_secret', 'X-Auth-Token', 'token', 'passphrase']) {
    assert.ok(isSecretKey(key), key);
  }
  for (const key of ['private_key', 'tls_private_key', 'payload', 'PAYLOAD']) assert.ok(isSecretKey(key), key);
  for (const key of ['name', 'tls_container_ref', 'secret_ref', 'tokens_used', 'timeout_client_data']) {
    assert.ok(!isSecretKey(key), key);
  }
});

test('redact deep-copies, replacing secret values and PEM private keys', () => {
  const original = {
    name: 'web',
    admin_password: 'hunter2',
    nested: [{ token: { id: 'abc' }, certificate: PEM, note: 'fine' }],
    secret: null,
    count: 3,
  };
  const copy = redact(original);
  assert.deepEqual(copy, {
    name: 'web',
    admin_password: '***',
    nested: [{ token: '***', certificate: '***', note: 'fine' }],
    secret: null,
    count: 3,
  });
  assert.equal(original.admin_password, 'hunter2');
  assert.notEqual(copy, original);
  assert.equal(redact(null), null);
  assert.equal(redact(PEM), '***');
  assert.equal(redact('-----BEGIN CERTIFICATE-----'), '-----BEGIN CERTIFICATE-----');
});

test('redactText scrubs the secrets a request carried from a message quoting them', () => {
  const body = { loadbalancer: { name: 'x', admin_password: 'hunter2', keys: [PEM] } };
  assert.equal(
    redactText("Invalid input for field admin_password. Value: 'hunter2'.", body),
    "Invalid input for field admin_password. Value: '***'.",
  );
  assert.equal(redactText("Value: 'x'", body), "Value: 'x'");
  assert.equal(redactText(`bad key ${PEM}`, undefined), '***');
});
