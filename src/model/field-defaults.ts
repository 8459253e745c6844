import { TLS_TERMINATING_PROTOCOLS } from './compatibility.ts';
import type { ListenerProtocol } from './constants.ts';
import { DEFAULT_ALPN_PROTOCOLS, DEFAULT_TLS_VERSIONS } from './tls-defaults.ts';

/**
 * What each kind of object holds in a writable field nobody set, as Octavia creates it. The API creates objects with
 * these; a declarative file that leaves a field out asks for them (src/declarative). Each call answers fresh objects,
 * so no two stored objects share a list or a mapping.
 */
type Fields = Record<string, unknown>;

/** The L7 policy actions that redirect to a URL, which default to status 302. */
export const URL_REDIRECT_ACTIONS: readonly string[] = ['REDIRECT_TO_URL', 'REDIRECT_PREFIX'];
/** The monitor types that send HTTP requests and so have a method, a path and expected codes. */
export const HTTP_MONITOR_TYPES: readonly string[] = ['HTTP', 'HTTPS'];

const named = () => ({ name: '', description: '', admin_state_up: true, tags: [] as string[] });

export const loadbalancerDefaults = (): Fields => ({ ...named(), vip_qos_policy_id: null });

/** A TLS-terminating listener's TLS fields default as Octavia's do (tlsListenerDefaults); other listeners' to null. */
export const listenerDefaults = (listener: Fields = {}): Fields => ({
  ...named(),
  connection_limit: -1,
  default_pool_id: null,
  default_tls_container_ref: null,
  sni_container_refs: [],
  insert_headers: {},
  timeout_client_data: 50000,
  timeout_member_connect: 5000,
  timeout_member_data: 50000,
  timeout_tcp_inspect: 0,
  client_ca_tls_container_ref: null,
  client_authentication: 'NONE',
  client_crl_container_ref: null,
  allowed_cidrs: null,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
  ...tlsListenerDefaults(listener.protocol),
});

/** Octavia's defaults for TLS it terminates (api_settings.default_listener_*: OWASP suite B, TLS 1.2 and 1.3). */
const OCTAVIA_LISTENER_CIPHERS =
  'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:' +
  'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:' +
  'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:' +
  'DHE-RSA-CHACHA20-POLY1305';

/**
 * What a new TLS-terminating listener holds where nothing was given, as Octavia creates one; other listeners keep
 * null.
 */
function tlsListenerDefaults(protocol: unknown): Fields {
  return TLS_TERMINATING_PROTOCOLS.includes(protocol as ListenerProtocol) ? listenerTlsResets(protocol) : {};
}

/**
 * What a null in a listener's TLS fields puts back on update: Octavia's defaults, whatever the protocol, as it does.
 * TERMINATED_TLS relays bytes of any protocol, so it offers no ALPN unless asked to.
 */
export function listenerTlsResets(protocol: unknown): Fields {
  return {
    tls_ciphers: OCTAVIA_LISTENER_CIPHERS,
    tls_versions: [...DEFAULT_TLS_VERSIONS],
    alpn_protocols: protocol === 'TERMINATED_TLS' ? null : [...DEFAULT_ALPN_PROTOCOLS],
  };
}

export const poolDefaults = (): Fields => ({
  ...named(),
  session_persistence: null,
  tls_enabled: false,
  tls_container_ref: null,
  ca_tls_container_ref: null,
  crl_container_ref: null,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
});

export const memberDefaults = (): Fields => ({
  name: '',
  admin_state_up: true,
  tags: [],
  weight: 1,
  backup: false,
  subnet_id: null,
  monitor_address: null,
  monitor_port: null,
});

/** HTTP and HTTPS checks GET / and expect 200; other types have no method, path or codes. */
export function healthmonitorDefaults(monitor: Fields): Fields {
  const http = HTTP_MONITOR_TYPES.includes(monitor.type as string);
  return {
    name: '',
    admin_state_up: true,
    tags: [],
    max_retries_down: 3,
    http_method: http ? 'GET' : null,
    url_path: http ? '/' : null,
    expected_codes: http ? '200' : null,
    http_version: null,
    domain_name: null,
  };
}

/** Redirects to a URL answer 302 unless told otherwise; other actions have no redirect status. */
export function l7policyDefaults(policy: Fields): Fields {
  return {
    ...named(),
    redirect_pool_id: null,
    redirect_url: null,
    redirect_prefix: null,
    redirect_http_code: URL_REDIRECT_ACTIONS.includes(policy.action as string) ? 302 : null,
  };
}

export const l7ruleDefaults = (): Fields => ({ admin_state_up: true, tags: [], key: null, invert: false });
