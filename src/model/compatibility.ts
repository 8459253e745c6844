import type { ListenerProtocol, MonitorType, PoolProtocol } from './constants.ts';

/** Octavia's matrices of what may be combined; the API refuses the rest with 400. */

export const POOL_PROTOCOLS_FOR_LISTENER: Record<ListenerProtocol, readonly PoolProtocol[]> = {
  TCP: ['HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  HTTP: ['HTTP', 'PROXY', 'PROXYV2'],
  HTTPS: ['HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  TERMINATED_HTTPS: ['HTTP', 'PROXY', 'PROXYV2'],
  TERMINATED_TLS: ['TCP', 'PROXY', 'PROXYV2'],
  UDP: ['UDP'],
  SCTP: ['SCTP'],
  PROMETHEUS: [],
};

export const MONITOR_TYPES_FOR_POOL: Record<PoolProtocol, readonly MonitorType[]> = {
  HTTP: ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO'],
  HTTPS: ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO'],
  TCP: ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO'],
  PROXY: ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO'],
  PROXYV2: ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO'],
  UDP: ['HTTP', 'PING', 'TCP', 'UDP-CONNECT', 'SCTP'],
  SCTP: ['HTTP', 'PING', 'TCP', 'UDP-CONNECT', 'SCTP'],
};

// `Forwarded` (RFC 7239) is weir's extension: Octavia's amphora has no such key.
const FORWARDED_HEADERS = ['X-Forwarded-For', 'X-Forwarded-Port', 'X-Forwarded-Proto', 'Forwarded'] as const;
const CLIENT_CERT_HEADERS = [
  'X-SSL-Client-Verify',
  'X-SSL-Client-Has-Cert',
  'X-SSL-Client-DN',
  'X-SSL-Client-CN',
  'X-SSL-Issuer',
  'X-SSL-Client-SHA1',
  'X-SSL-Client-Not-Before',
  'X-SSL-Client-Not-After',
] as const;

/** Which `insert_headers` each listener protocol accepts. */
export const INSERT_HEADERS_FOR_LISTENER: Record<ListenerProtocol, readonly string[]> = {
  HTTP: FORWARDED_HEADERS,
  TERMINATED_HTTPS: [...FORWARDED_HEADERS, ...CLIENT_CERT_HEADERS],
  // Bytes are relayed, so there is no HTTP to carry headers; members learn the client by the PROXY protocol.
  TERMINATED_TLS: [],
  HTTPS: [],
  TCP: [],
  UDP: [],
  SCTP: [],
  PROMETHEUS: [],
};

/** Listener protocols whose TLS weir decrypts: they need a certificate and may ask clients for theirs. */
export const TLS_TERMINATING_PROTOCOLS: readonly ListenerProtocol[] = ['TERMINATED_HTTPS', 'TERMINATED_TLS'];

/** The transport a listener occupies: a port is unique per load balancer and transport. */
export function transportOf(protocol: ListenerProtocol): 'tcp' | 'udp' | 'sctp' {
  if (protocol === 'UDP') return 'udp';
  if (protocol === 'SCTP') return 'sctp';
  return 'tcp';
}

/** L4 pools (UDP, SCTP) keep session persistence by source IP only. */
export const isDatagramProtocol = (protocol: string): boolean => protocol === 'UDP' || protocol === 'SCTP';
