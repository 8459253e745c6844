import type { X509Certificate } from 'node:crypto';

/**
 * The host names a certificate answers for, lower-cased: its subjectAltName DNS names and its subject's common name,
 * as HAProxy indexes a certificate for SNI.
 */
export function certificateNames(certificate: X509Certificate): string[] {
  const names = new Set<string>();
  for (const entry of (certificate.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) names.add(entry.slice(4).toLowerCase());
  }
  const commonName = /^CN=(.*)$/m.exec(certificate.subject)?.[1];
  if (commonName) names.add(commonName.toLowerCase());
  return [...names];
}

/**
 * Chooses what answers a TLS server name: an exact name first, then a wildcard (`*.example.com` covers one label,
 * `a.example.com` but neither `example.com` nor `a.b.example.com`), as TLS clients match names; among entries naming
 * the same name, the one added first. Names match without regard to case.
 */
export class ServerNameIndex<T> {
  private readonly exact = new Map<string, T>();
  private readonly wildcard = new Map<string, T>();

  add(names: readonly string[], value: T): void {
    for (const name of names) {
      const lower = name.toLowerCase();
      if (lower.startsWith('*.')) {
        if (!this.wildcard.has(lower.slice(2))) this.wildcard.set(lower.slice(2), value);
      } else if (!this.exact.has(lower)) this.exact.set(lower, value);
    }
  }

  find(serverName: string): T | undefined {
    const lower = serverName.toLowerCase();
    const exact = this.exact.get(lower);
    if (exact !== undefined) return exact;
    const dot = lower.indexOf('.');
    return dot > 0 ? this.wildcard.get(lower.slice(dot + 1)) : undefined;
  }
}
