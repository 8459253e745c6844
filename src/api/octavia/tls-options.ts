import { TLS_TERMINATING_PROTOCOLS } from '../../model/compatibility.ts';
import type { ListenerProtocol } from '../../model/constants.ts';
import { OCTAVIA_TLS_VERSIONS } from '../../protocols/tls/tls-versions.ts';
import type { StoredObject } from '../../store/state-store.ts';
import { badRequest } from '../faults.ts';
import type { ProviderInfo } from './deps.ts';
import { requireSupport } from './providers.ts';

/** The ALPN names Octavia accepts in `alpn_protocols`. */
const ALPN_PROTOCOLS: readonly string[] = ['h2', 'http/1.1', 'http/1.0'];

/**
 * A TLS-terminating listener's `tls_versions` and `alpn_protocols` as Octavia checks them: known names, and no empty
 * list (null asks for the default). Other listeners keep what they were given, as Octavia lets them.
 */
export function checkListenerTlsOptions(listener: StoredObject): void {
  if (!TLS_TERMINATING_PROTOCOLS.includes(listener.protocol as ListenerProtocol)) return;
  const versions = listener.tls_versions as string[] | null;
  if (versions?.length === 0) {
    throw badRequest(
      'Validation failure: Empty TLS version list. Either specify at least one TLS version or remove this parameter to use the default.',
    );
  }
  const unknownVersions = (versions ?? []).filter((v) => !(OCTAVIA_TLS_VERSIONS as readonly string[]).includes(v));
  if (unknownVersions.length > 0)
    throw badRequest(`Validation failure: Invalid TLS versions: ${unknownVersions.join(', ')}`);
  const alpn = listener.alpn_protocols as string[] | null;
  if (alpn?.length === 0) {
    throw badRequest(
      'Validation failure: Empty ALPN protocol list. Either specify at least one ALPN protocol or remove this parameter to use the default.',
    );
  }
  const unknownAlpn = (alpn ?? []).filter((p) => !ALPN_PROTOCOLS.includes(p));
  if (unknownAlpn.length > 0) throw badRequest(`Validation failure: Invalid ALPN protocol: ${unknownAlpn.join(', ')}`);
}

/** TLS versions the provider's TLS library cannot speak are refused at once, with Octavia's 501. */
export function requireTlsVersionSupport(provider: ProviderInfo, listener: StoredObject): void {
  const supported = provider.capabilities.tlsVersions;
  if (!supported || !TLS_TERMINATING_PROTOCOLS.includes(listener.protocol as ListenerProtocol)) return;
  const missing = ((listener.tls_versions ?? []) as string[]).filter((v) => !supported.includes(v));
  requireSupport(provider, missing.length === 0, `tls_versions ${missing.join(', ')}`);
}
