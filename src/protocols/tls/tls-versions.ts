import type { SecureVersion } from 'node:tls';

/** Octavia's TLS version names, oldest first, as its API accepts them in `tls_versions`. */
export const OCTAVIA_TLS_VERSIONS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** The versions Node's OpenSSL can speak at all: SSLv3 is gone from it. */
const NODE_VERSIONS: readonly string[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * The versions a listener or pool allows as the minimum and maximum OpenSSL takes, or why they cannot be honoured:
 * SSLv3, which Node's OpenSSL lacks, and a list with a hole (TLSv1.1 and TLSv1.3 without TLSv1.2), which a range
 * cannot express. An empty list leaves OpenSSL's defaults.
 */
export function tlsVersionRange(
  versions: readonly string[],
): { minVersion?: SecureVersion; maxVersion?: SecureVersion } | { problem: string } {
  if (versions.length === 0) return {};
  if (versions.includes('SSLv3')) return { problem: 'SSLv3 is not available in this TLS library' };
  const indexes = versions.map((v) => NODE_VERSIONS.indexOf(v)).sort((a, b) => a - b);
  if (indexes[0] === -1) return { problem: `unknown TLS version in ${versions.join(', ')}` };
  const low = indexes[0]!;
  const high = indexes.at(-1)!;
  if (new Set(indexes).size !== high - low + 1) {
    return { problem: `TLS versions ${versions.join(', ')} leave a gap; allow a contiguous range` };
  }
  return { minVersion: NODE_VERSIONS[low] as SecureVersion, maxVersion: NODE_VERSIONS[high] as SecureVersion };
}
