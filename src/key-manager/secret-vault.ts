import type { TlsKeyPair } from '../model/load-balancer-spec.ts';
import type { StoredObject, StoreReader } from '../store/state-store.ts';
import { keyPairFromBundle, keyPairFromParts, UnusableKeyMaterial } from './key-material.ts';
import type { PayloadCipher } from './payload-cipher.ts';
import { parseReference } from './secret-reference.ts';

const MAX_CACHED_BUNDLES = 4096;

/** A reference that names nothing the project can read: unknown, malformed, another project's, or without payload. */
export class UnreadableReference extends Error {
  override readonly name = 'UnreadableReference';
}

/**
 * Secrets' payloads sealed and opened with the key manager's key, and what key manager references name, read for
 * one project: the API checks a listener's or pool's references with it, the reconciler fills a spec's key
 * material with it. Never logs what it reads.
 */
export class SecretVault {
  /**
   * Key pairs read from bundle secrets, by secret id: a payload is set once and never changes, and reading PKCS#12
   * costs ~30 ms of the event loop (forge's key derivation), which every reconciliation would pay again. The secret
   * is still looked up, for its project and existence, before its entry is used.
   */
  private readonly bundles = new Map<string, TlsKeyPair>();

  constructor(private readonly cipher: PayloadCipher) {}

  seal(secretId: string, payload: Uint8Array): Buffer {
    return this.cipher.seal(secretId, payload);
  }

  /** A secret's payload, opened; undefined while it has none. */
  async payload(reader: StoreReader, secretId: string): Promise<Buffer | undefined> {
    const sealed = await reader.secretPayload(secretId);
    return sealed && this.cipher.open(secretId, sealed);
  }

  /**
   * A certificate with its key: a `certificate` container (certificate, private_key, intermediates,
   * private_key_passphrase), or a secret holding PKCS#12 or a PEM bundle.
   */
  async keyPair(reader: StoreReader, projectId: string, ref: string): Promise<TlsKeyPair> {
    const target = await this.object(reader, projectId, ref);
    if (target.kind === 'secret') return this.bundleKeyPair(reader, target.object, ref);
    if (target.object.type !== 'certificate') {
      throw new UnusableKeyMaterial(`container ${target.object.id} is not of type certificate`);
    }
    const part = async (name: string): Promise<string | undefined> => {
      const secretRef = partRef(target.object, name);
      return secretRef === undefined
        ? undefined
        : (await this.secretPayload(reader, projectId, secretRef)).toString('utf8');
    };
    const [certificate, privateKey, intermediates, passphrase] = await Promise.all(
      ['certificate', 'private_key', 'intermediates', 'private_key_passphrase'].map(part),
    );
    if (certificate === undefined || privateKey === undefined) {
      throw new UnusableKeyMaterial(
        `container ${target.object.id} has no ${certificate ? 'private_key' : 'certificate'}`,
      );
    }
    return keyPairFromParts({ certificate, privateKey, intermediates, passphrase });
  }

  /** The text of a secret (a PEM CA bundle or CRL), or of a container's `certificate` secret. */
  async text(reader: StoreReader, projectId: string, ref: string): Promise<string> {
    const target = await this.object(reader, projectId, ref);
    if (target.kind === 'secret') return (await this.requiredPayload(reader, target.object, ref)).toString('utf8');
    const certificate = partRef(target.object, 'certificate');
    if (certificate === undefined) throw new UnreadableReference(`${ref}: the container has no certificate`);
    return (await this.secretPayload(reader, projectId, certificate)).toString('utf8');
  }

  /** A deleted secret's parsed bundle, private key included, leaves memory with it. */
  forget(secretId: string): void {
    this.bundles.delete(secretId);
  }

  private async bundleKeyPair(reader: StoreReader, secret: StoredObject, ref: string): Promise<TlsKeyPair> {
    const cached = this.bundles.get(secret.id);
    if (cached) return cached;
    const pair = keyPairFromBundle(await this.requiredPayload(reader, secret, ref));
    // Bounded: the oldest entry goes first; a deleted secret's entry goes with it (forget).
    if (this.bundles.size >= MAX_CACHED_BUNDLES) this.bundles.delete(this.bundles.keys().next().value!);
    this.bundles.set(secret.id, pair);
    return pair;
  }

  private async secretPayload(reader: StoreReader, projectId: string, ref: string): Promise<Buffer> {
    const target = await this.object(reader, projectId, ref);
    if (target.kind !== 'secret') throw new UnreadableReference(`${ref} is not a secret`);
    return this.requiredPayload(reader, target.object, ref);
  }

  private async requiredPayload(reader: StoreReader, secret: StoredObject, ref: string): Promise<Buffer> {
    const payload = await this.payload(reader, secret.id);
    if (payload === undefined) throw new UnreadableReference(`${ref}: the secret has no payload`);
    return payload;
  }

  private async object(
    reader: StoreReader,
    projectId: string,
    ref: string,
  ): Promise<{ kind: 'secret' | 'secret_container'; object: StoredObject }> {
    const parsed = parseReference(ref);
    const object = parsed && (await reader.get(parsed.kind, parsed.id));
    // Another project's object is answered as one that does not exist, as Barbican does.
    if (!parsed || !object || object.project_id !== projectId) throw new UnreadableReference(`${ref} not found`);
    return { kind: parsed.kind, object };
  }
}

/** The reference a container holds under a name. */
const partRef = (container: StoredObject, name: string): string | undefined =>
  ((container.secret_refs ?? []) as { name: string; secret_ref: string }[]).find((s) => s.name === name)?.secret_ref;
