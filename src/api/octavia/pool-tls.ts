import {
  ALPN_PROTOCOLS,
  DEFAULT_ALPN_PROTOCOLS,
  DEFAULT_TLS_CIPHERS,
  DEFAULT_TLS_VERSIONS,
  TLS_VERSIONS,
} from '../../model/tls-defaults.ts';
import type { StoredObject } from '../../store/state-store.ts';
import { badRequest, invalidInput } from '../faults.ts';

/**
 * Octavia's checks of a pool's `tls_versions` and `alpn_protocols`: ALPN IDs always (a type check), the lists
 * themselves on create when `tls_enabled` is, on update whenever they are given (null unsets them).
 */
export function checkPoolTlsLists(fields: Record<string, unknown>, listsChecked: boolean): void {
  const alpn = fields.alpn_protocols as string[] | null | undefined;
  if (alpn?.some((p) => !(ALPN_PROTOCOLS as readonly string[]).includes(p))) {
    throw invalidInput('alpn_protocols', `['${alpn.join("', '")}']`, 'Value should be a valid ALPN protocol ID');
  }
  if (!listsChecked) return;
  const versions = fields.tls_versions as string[] | null | undefined;
  if (versions?.length === 0) {
    throw badRequest(
      'Validation failure: Empty TLS version list. Either specify at least one TLS version or remove this parameter to use the default.',
    );
  }
  const invalid = versions?.filter((v) => !(TLS_VERSIONS as readonly string[]).includes(v)) ?? [];
  if (invalid.length > 0) throw badRequest(`Validation failure: Invalid TLS versions: ${invalid.join(', ')}`);
  if (alpn?.length === 0) {
    throw badRequest(
      'Validation failure: Empty ALPN protocol list. Either specify at least one ALPN protocol or remove this parameter to use the default.',
    );
  }
}

/** What a pool created with `tls_enabled` gets for the TLS fields it left out, as Octavia fills them. */
export function poolTlsDefaults(pool: StoredObject): StoredObject {
  if (pool.tls_enabled !== true) return pool;
  return {
    ...pool,
    tls_ciphers: pool.tls_ciphers ?? DEFAULT_TLS_CIPHERS,
    tls_versions: pool.tls_versions ?? [...DEFAULT_TLS_VERSIONS],
    alpn_protocols: pool.alpn_protocols ?? [...DEFAULT_ALPN_PROTOCOLS],
  };
}

/**
 * An update's null `tls_versions` or `tls_ciphers` puts back Octavia's defaults, TLS enabled or not; a null
 * `alpn_protocols` stays null, as Octavia keeps it.
 */
export function withPoolTlsResets(changes: Record<string, unknown>): Record<string, unknown> {
  return {
    ...changes,
    ...(changes.tls_versions === null ? { tls_versions: [...DEFAULT_TLS_VERSIONS] } : {}),
    ...(changes.tls_ciphers === null ? { tls_ciphers: DEFAULT_TLS_CIPHERS } : {}),
  };
}
