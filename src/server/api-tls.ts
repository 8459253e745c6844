import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { StartupError } from './startup-error.ts';

/** The API's certificate chain and key, PEM, as node:https takes them. */
export interface ApiTls {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads server.tls at start, so a missing file or a key that does not fit its certificate stops weir with the file
 * named, rather than failing the first client's handshake.
 */
export function readApiTls(tls: { cert_file: string; key_file: string }): ApiTls {
  const material = { cert: readPem('cert_file', tls.cert_file), key: readPem('key_file', tls.key_file) };
  try {
    createSecureContext(material);
  } catch (error) {
    throw new StartupError(
      `server.tls: ${tls.cert_file} and ${tls.key_file} are not a usable certificate and key: ${(error as Error).message}`,
    );
  }
  return material;
}

function readPem(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const reason = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : message;
    throw new StartupError(`cannot read server.tls.${key} ${path}: ${reason}`);
  }
}
