import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PayloadCipher } from '../../src/key-manager/payload-cipher.ts';
import { SecretVault } from '../../src/key-manager/secret-vault.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

export const FIXTURE_PROJECT = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

/**
 * The key manager without its API: an in-memory store, a vault with a random key, secrets stored as the API stores
 * them, and a scratch directory (for a test CA), removed by close().
 */
export class KeyManagerFixture {
  readonly vault = new SecretVault(new PayloadCipher(randomBytes(32)));
  readonly dir = mkdtempSync(join(tmpdir(), 'weir-key-manager-'));

  private constructor(readonly store: SqliteStore) {}

  static async open(): Promise<KeyManagerFixture> {
    return new KeyManagerFixture(await SqliteStore.open(':memory:'));
  }

  /** Stores a secret with this payload, sealed; returns its reference. */
  async secret(payload: string | Buffer, projectId = FIXTURE_PROJECT): Promise<string> {
    const id = randomUUID();
    await this.store.transaction(async (tx) => {
      await tx.insert('secret', { id, project_id: projectId, secret_type: 'opaque' });
      await tx.setSecretPayload(id, this.vault.seal(id, Buffer.from(payload)));
    });
    return `https://weir.example/v1/secrets/${id}`;
  }

  async close(): Promise<void> {
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
