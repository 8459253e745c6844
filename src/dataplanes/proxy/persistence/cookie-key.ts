import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const KEY_BYTES = 32;

/**
 * The HMAC key of HTTP_COOKIE persistence's cookies, kept in a file (`<data_dir>/cookie.key`) so that cookies stay
 * valid when weir restarts: read when it exists, else made of random bytes and written, readable by weir alone.
 * Nodes that share a VIP and should read each other's cookies get a copy of the same file.
 */
export function cookieKeyFrom(path: string): Buffer {
  try {
    const key = readFileSync(path);
    if (key.length < KEY_BYTES) throw new Error(`${path}: a cookie key has at least ${KEY_BYTES} bytes`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(KEY_BYTES);
  // `wx`: of two weirs starting on one data directory, the second reads the first one's key.
  try {
    writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return cookieKeyFrom(path);
    throw error;
  }
  return key;
}
