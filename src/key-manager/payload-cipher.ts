import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The stored form's first byte: which scheme sealed it, so a later scheme can sit beside this one. */
const FORMAT_AES_256_GCM = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** The key cannot open a stored payload: another key sealed it, or the bytes were changed. */
export class PayloadDecryptError extends Error {
  override readonly name = 'PayloadDecryptError';
}

/**
 * Seals secret payloads with AES-256-GCM: a fresh random nonce per payload, and the secret's id as additional data,
 * so a sealed payload moved to another secret's row fails to open instead of being served as that secret.
 * Stored form: format byte | nonce | ciphertext | tag.
 */
export class PayloadCipher {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== KEY_BYTES) throw new Error(`an AES-256 key has ${KEY_BYTES} bytes, not ${key.length}`);
    this.key = Buffer.from(key);
  }

  seal(secretId: string, plaintext: Uint8Array): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(secretId, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_AES_256_GCM), nonce, body, cipher.getAuthTag()]);
  }

  open(secretId: string, sealed: Uint8Array): Buffer {
    const bytes = Buffer.from(sealed);
    if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES || bytes[0] !== FORMAT_AES_256_GCM) {
      throw new PayloadDecryptError(`secret ${secretId}: stored payload is not in a format this weir reads`);
    }
    const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
    decipher.setAAD(Buffer.from(secretId, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptError(`secret ${secretId}: the key manager key cannot decrypt the stored payload`);
    }
  }
}
