import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pkcs12, TestCa } from '../../test/support/test-pki.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { PayloadCipher } from './payload-cipher.ts';
import { SecretVault, UnreadableReference } from './secret-vault.ts';

const PROJECT = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const dir = mkdtempSync(join(tmpdir(), 'weir-vault-'));
const vault = new SecretVault(new PayloadCipher(randomBytes(32)));
let store: SqliteStore;
before(async () => {
  store = await SqliteStore.open(':memory:');
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a PKCS#12 secret is read once; a deleted or foreign one is refused whatever was read before', async () => {
  const ca = TestCa.create(dir, 'vault ca');
  const id = randomUUID();
  const ref = `https://weir.example/v1/secrets/${id}`;
  await store.transaction(async (tx) => {
    await tx.insert('secret', { id, project_id: PROJECT, secret_type: 'opaque' });
    await tx.setSecretPayload(id, vault.seal(id, pkcs12(ca, ca.issue({ commonName: 'cached.example.org' }))));
  });
  const first = await store.read((reader) => vault.keyPair(reader, PROJECT, ref));
  const second = await store.read((reader) => vault.keyPair(reader, PROJECT, ref));
  assert.equal(second, first);
  await assert.rejects(
    store.read((reader) => vault.keyPair(reader, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', ref)),
    UnreadableReference,
  );
  await store.transaction((tx) => tx.delete('secret', id));
  await assert.rejects(
    store.read((reader) => vault.keyPair(reader, PROJECT, ref)),
    UnreadableReference,
  );
  assert.equal(await store.read((reader) => reader.secretPayload(id)), undefined);
});
