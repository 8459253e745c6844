import type { MonitorType } from '../model/constants.ts';
import type { PoolSpec } from '../model/load-balancer-spec.ts';

/**
 * What a data plane needs of an Octavia health monitor to probe a member, in weir's units. `delay` and `timeout`
 * are seconds and may be fractional here (tests use 0.2 s) even though the API takes whole seconds.
 */
export type MonitorSpec = {
  type: MonitorType;
  delay: number;
  timeout: number;
  /** Octavia's max_retries: consecutive successes that bring a DOWN member UP (HAProxy's `rise`), 1-10. */
  maxRetries: number;
  /** Octavia's max_retries_down: consecutive failures that take an UP member DOWN (HAProxy's `fall`), 1-10. */
  maxRetriesDown: number;
  httpMethod: string;
  urlPath: string;
  /** Octavia syntax: "200", "200,202" or "200-204"; see expected-codes.ts. */
  expectedCodes: string;
  httpVersion: 1.0 | 1.1;
  /** Sent as the Host header (and TLS SNI) when set; otherwise the member's address is. */
  domainName: string | null;
};

/** Where a member listens: an IP address and port, or a local Unix socket. */
/**
 * Where a probe connects. `proxyProtocol`: the member expects a PROXY protocol header of that version first (PROXY
 * and PROXYV2 pools); probes send one with the LOCAL command, which tells the member no client is behind it. `tls`:
 * the member is reached over TLS with its pool's settings (an HTTP monitor of a `tls_enabled` pool).
 */
export type ProbeTarget = ({ address: string; port: number } | { socketPath: string }) & {
  proxyProtocol?: 1 | 2;
  tls?: PoolSpec['tls'];
};

/** One probe's verdict. `reason` is for people (status views, logs), not for parsing. */
export type ProbeResult = { ok: boolean; reason: string; latencyMs: number };
