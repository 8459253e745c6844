import { certificateFieldValue } from './certificate-field-value.ts';
import type { ClientCertificateFacts } from './client-certificate-facts.ts';

/** Octavia's client-certificate `insert_headers` keys and the value each carries, as the amphora's HAProxy sends it. */
const VALUES: Readonly<Record<string, (facts: ClientCertificateFacts) => string>> = {
  'X-SSL-Client-Verify': (f) => String(f.verifyResult),
  'X-SSL-Client-Has-Cert': (f) => (f.presented ? '1' : '0'),
  'X-SSL-Client-DN': (f) => f.subjectDn,
  'X-SSL-Client-CN': (f) => f.subjectFields.get('CN') ?? '',
  'X-SSL-Issuer': (f) => f.issuerDn,
  'X-SSL-Client-SHA1': (f) => f.sha1,
  'X-SSL-Client-Not-Before': (f) => f.notBefore,
  'X-SSL-Client-Not-After': (f) => f.notAfter,
};

/** The client-certificate headers an `insert_headers` turns on, in Octavia's order; empty when none. */
export function clientCertificateHeaderKeys(on: (key: string) => boolean): readonly string[] {
  return Object.keys(VALUES).filter(on);
}

/**
 * The headers as (name, value, ...) for one connection. Every header asked for is sent, empty when the client sent
 * no certificate, as HAProxy's `set-header` does; names as their UTF-8 bytes (see certificateFieldValue).
 */
export function clientCertificateHeaders(keys: readonly string[], facts: ClientCertificateFacts): string[] {
  const out: string[] = [];
  for (const key of keys) out.push(key, certificateFieldValue(VALUES[key]!(facts)));
  return out;
}
