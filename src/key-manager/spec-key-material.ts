import type { TlsKeyPair } from '../model/load-balancer-spec.ts';
import type { StoredTree } from '../store/load-balancer-tree.ts';
import { isLive } from '../store/load-balancer-tree.ts';
import type { StoreReader } from '../store/state-store.ts';
import { certificatesPem } from './key-material.ts';
import type { SecretVault } from './secret-vault.ts';

/**
 * The key material a load balancer's references name, read and decrypted ahead of building its spec, so that
 * build-spec stays a pure function of what it is given. Asking for a reference that was not read is a bug.
 */
export interface SpecKeyMaterial {
  keyPair(ref: string): TlsKeyPair;
  /** PEM text: CA certificates, or a revocation list. */
  pem(ref: string): string;
}

/** Key material of a tree that names no reference. */
export const NO_KEY_MATERIAL: SpecKeyMaterial = {
  keyPair: (ref) => missing(ref),
  pem: (ref) => missing(ref),
};

const missing = (ref: string): never => {
  throw new Error(`key material of ${ref} was not read`);
};

/** A reference the reconciler cannot read any more; the message names the object and reference, never content. */
export class KeyMaterialUnavailable extends Error {
  override readonly name = 'KeyMaterialUnavailable';
}

/** Reads every reference of the tree's live listeners and pools, for their project. */
export async function readSpecKeyMaterial(
  reader: StoreReader,
  tree: StoredTree,
  vault: SecretVault | undefined,
): Promise<SpecKeyMaterial> {
  const projectId = String(tree.loadbalancer.project_id);
  const pairs = new Map<string, TlsKeyPair>();
  const pems = new Map<string, string>();
  const read = async <T>(what: string, ref: string, fn: (v: SecretVault) => Promise<T>): Promise<T> => {
    if (!vault) throw new KeyMaterialUnavailable(`${what}: ${ref}: this weir has no key manager`);
    try {
      return await fn(vault);
    } catch (error) {
      throw new KeyMaterialUnavailable(`${what}: key manager reference ${ref}: ${(error as Error).message}`);
    }
  };
  const keyPair = async (what: string, ref: unknown) => {
    if (typeof ref === 'string' && !pairs.has(ref))
      pairs.set(ref, await read(what, ref, (v) => v.keyPair(reader, projectId, ref)));
  };
  const pem = async (what: string, ref: unknown, certificates: boolean) => {
    if (typeof ref !== 'string' || pems.has(ref)) return;
    const text = await read(what, ref, (v) => v.text(reader, projectId, ref));
    pems.set(ref, certificates ? certificatesPem(text, ref) : text);
  };
  for (const listener of tree.listeners.filter(isLive)) {
    const what = `listener ${listener.id}`;
    await keyPair(what, listener.default_tls_container_ref);
    for (const ref of (listener.sni_container_refs ?? []) as string[]) await keyPair(what, ref);
    await pem(what, listener.client_ca_tls_container_ref, true);
    await pem(what, listener.client_crl_container_ref, false);
  }
  for (const pool of tree.pools.filter(isLive)) {
    const what = `pool ${pool.id}`;
    await keyPair(what, pool.tls_container_ref);
    await pem(what, pool.ca_tls_container_ref, true);
    await pem(what, pool.crl_container_ref, false);
  }
  return {
    keyPair: (ref) => pairs.get(ref) ?? missing(ref),
    pem: (ref) => pems.get(ref) ?? missing(ref),
  };
}
