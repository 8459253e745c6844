/** Names whose values are secrets, also as a suffix: `password`, `admin_password`, `X-Auth-Token`, `private_key`. */
const SECRET_KEY = /(password|secret|token|passphrase|private_key|payload)$/i;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

export const REDACTED = '***';

export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

/** A deep copy of `value` with the values of secret keys, and strings holding a PEM private key, replaced by ***. */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return PEM_PRIVATE_KEY.test(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, isSecretKey(key) && v != null ? REDACTED : redact(v)]),
    );
  }
  return value;
}

/**
 * `text` with every secret string found in `source` (a request body, say) replaced by ***: an error message that
 * quotes a refused value must not carry the secret into the trail.
 */
export function redactText(text: string, source: unknown): string {
  let redacted = text;
  for (const secret of secretStrings(source)) redacted = redacted.replaceAll(secret, REDACTED);
  return redact(redacted) as string;
}

function secretStrings(value: unknown, underSecretKey = false): string[] {
  if (typeof value === 'string') return (underSecretKey || PEM_PRIVATE_KEY.test(value)) && value !== '' ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => secretStrings(v, underSecretKey));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) => secretStrings(v, underSecretKey || isSecretKey(key)));
  }
  return [];
}
