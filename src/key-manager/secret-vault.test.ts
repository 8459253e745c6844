import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FIXTURE_PROJECT, KeyManagerFixture } from '../../test/support/key-manager-fixture.ts';
import { pkcs12, TestCa } from '../../test/support/test-pki.ts';
import { UnreadableReference } from './secret-vault.ts';

let km: KeyManagerFixture;
before(async () => {
  km = await KeyManagerFixture.open();
});
after(() => km.close());

test('a PKCS#12 secret is read once; a deleted or foreign one is refused whatever was read before', async () => {
  const ca = TestCa.create(km.dir, 'vault ca');
  const ref = await km.secret(pkcs12(ca, ca.issue({ commonName: 'cached.example.org' })));
  const id = ref.split('/').pop()!;
  const read = (projectId: string) => km.store.read((reader) => km.vault.keyPair(reader, projectId, ref));
  const first = await read(FIXTURE_PROJECT);
  assert.equal(await read(FIXTURE_PROJECT), first);
  await assert.rejects(read('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'), UnreadableReference);
  await km.store.transaction((tx) => tx.delete('secret', id));
  await assert.rejects(read(FIXTURE_PROJECT), UnreadableReference);
  assert.equal(await km.store.read((reader) => reader.secretPayload(id)), undefined);
});
