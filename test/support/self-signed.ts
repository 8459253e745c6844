import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A throwaway certificate for 127.0.0.1, made with the openssl CLI into `dir`: the files' paths. */
export function selfSignedCertificate(dir: string, name = 'server'): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
      ['-subj', `/CN=weir test ${name}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
    ].flat(),
    { stdio: 'ignore' },
  );
  return { cert, key };
}
