import type { StateStore } from '../store/state-store.ts';
import { PayloadDecryptError } from './payload-cipher.ts';
import type { SecretVault } from './secret-vault.ts';

/**
 * Whether the key opens what is stored: the newest secret with a payload must open (all were sealed with the one
 * key). Returns why not, or undefined: started with the wrong key, weir would accept new secrets it could read and
 * fail on every old one, so the caller refuses to start instead.
 */
export async function storedKeyProblem(store: StateStore, vault: SecretVault): Promise<string | undefined> {
  return store.read(async (reader) => {
    const secrets = await reader.list('secret');
    for (const secret of secrets.reverse()) {
      try {
        if ((await vault.payload(reader, secret.id)) !== undefined) return undefined;
      } catch (error) {
        if (error instanceof PayloadDecryptError) return error.message;
        throw error;
      }
    }
    return undefined;
  });
}
