import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, type Stats, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { KEY_BYTES } from './payload-cipher.ts';

/** The key file cannot be used; the message says why and what to do. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

/**
 * The key manager's key: 32 random bytes, base64 on one line, in a file only its owner may read. A missing file is
 * created (0600, exclusively, so two starts cannot write different keys) when `create` allows it: the default file
 * in the data directory, on a fresh machine. A file the operator named must exist.
 */
export function loadKeyFile(path: string, options: { create: boolean }): Buffer {
  let stat: Stats | undefined;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new KeyFileError(`${path}: ${(error as Error).message}`);
  }
  if (stat === undefined) {
    if (!options.create) throw new KeyFileError(`${path}: no such file (key_manager.key_file must exist)`);
    return createKeyFile(path);
  }
  if ((stat.mode & 0o077) !== 0) {
    throw new KeyFileError(
      `${path}: readable by others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it, the key decrypts every stored secret`,
    );
  }
  const text = readFileSync(path, 'utf8').trim();
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length !== KEY_BYTES) {
    throw new KeyFileError(
      `${path}: must hold ${KEY_BYTES} random bytes in base64 on one line (e.g. \`openssl rand -base64 ${KEY_BYTES}\`)`,
    );
  }
  return key;
}

function createKeyFile(path: string): Buffer {
  const key = randomBytes(KEY_BYTES);
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return key;
}
