/** The TLS versions Octavia's API accepts, oldest first. */
export const TLS_VERSIONS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** The ALPN protocol IDs Octavia's API accepts. */
export const ALPN_PROTOCOLS = ['h2', 'http/1.1', 'http/1.0'] as const;

/**
 * What Octavia stores for a pool created with `tls_enabled` and without these fields (its `api_settings` defaults,
 * the OWASP "Suite B" recommendation): TLS 1.2 and 1.3, its cipher list, and every ALPN protocol it knows.
 */
export const DEFAULT_TLS_VERSIONS: readonly string[] = ['TLSv1.2', 'TLSv1.3'];
export const DEFAULT_ALPN_PROTOCOLS: readonly string[] = ALPN_PROTOCOLS;
export const DEFAULT_TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-SHA256',
  'DHE-RSA-AES128-SHA256',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES128-SHA256',
].join(':');
