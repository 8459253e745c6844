/** Octavia's enumerations, as the v2 API accepts and reports them. */

export const PROVISIONING_STATUSES = [
  'ACTIVE',
  'DELETED',
  'ERROR',
  'PENDING_CREATE',
  'PENDING_UPDATE',
  'PENDING_DELETE',
] as const;
export type ProvisioningStatus = (typeof PROVISIONING_STATUSES)[number];

export const OPERATING_STATUSES = ['ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR', 'DRAINING', 'NO_MONITOR'] as const;
export type OperatingStatus = (typeof OPERATING_STATUSES)[number];

/** TERMINATED_TLS is weir's extension: TLS decrypted and the bytes relayed, which Octavia does not offer. */
export const LISTENER_PROTOCOLS = [
  'HTTP',
  'HTTPS',
  'TERMINATED_HTTPS',
  'TERMINATED_TLS',
  'TCP',
  'UDP',
  'SCTP',
  'PROMETHEUS',
] as const;
export type ListenerProtocol = (typeof LISTENER_PROTOCOLS)[number];

export const POOL_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'UDP', 'SCTP', 'PROXY', 'PROXYV2'] as const;
export type PoolProtocol = (typeof POOL_PROTOCOLS)[number];

export const LB_ALGORITHMS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'] as const;
export type LbAlgorithm = (typeof LB_ALGORITHMS)[number];

export const PERSISTENCE_TYPES = ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'] as const;
export type PersistenceType = (typeof PERSISTENCE_TYPES)[number];

export const MONITOR_TYPES = ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP'] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'PATCH', 'CONNECT'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const HTTP_VERSIONS = [1.0, 1.1] as const;

export const L7_ACTIONS = ['REJECT', 'REDIRECT_TO_URL', 'REDIRECT_TO_POOL', 'REDIRECT_PREFIX'] as const;
export type L7Action = (typeof L7_ACTIONS)[number];

export const L7_RULE_TYPES = [
  'HOST_NAME',
  'PATH',
  'FILE_TYPE',
  'HEADER',
  'COOKIE',
  'SSL_CONN_HAS_CERT',
  'SSL_VERIFY_RESULT',
  'SSL_DN_FIELD',
] as const;
export type L7RuleType = (typeof L7_RULE_TYPES)[number];

export const L7_COMPARE_TYPES = ['REGEX', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'EQUAL_TO'] as const;
export type L7CompareType = (typeof L7_COMPARE_TYPES)[number];

export const REDIRECT_HTTP_CODES = [301, 302, 303, 307, 308] as const;

export const CLIENT_AUTHENTICATION_MODES = ['NONE', 'OPTIONAL', 'MANDATORY'] as const;
export type ClientAuthentication = (typeof CLIENT_AUTHENTICATION_MODES)[number];
