import type { MemberCheck } from '../health/member-check.ts';
import type { PoolProtocol } from '../model/constants.ts';
import type { LoadBalancerSpec, PoolSpec } from '../model/load-balancer-spec.ts';

/**
 * What the health checker probes for a load balancer: every enabled member of a pool with an enabled monitor. A Unix
 * socket member is probed on its socket; the probes that cannot (PING, UDP-CONNECT) report it down with the reason.
 */
const PROXY_PROTOCOL_VERSION: Partial<Record<PoolProtocol, { proxyProtocol: 1 | 2 }>> = {
  PROXY: { proxyProtocol: 1 },
  PROXYV2: { proxyProtocol: 2 },
};

export function memberChecks(spec: LoadBalancerSpec): MemberCheck[] {
  return spec.pools.flatMap((pool) => {
    const monitor = pool.healthMonitor;
    if (!monitor?.adminStateUp || !pool.adminStateUp) return [];
    const tls = checkTls(pool);
    return pool.members
      .filter((member) => member.adminStateUp)
      .map((member) => ({
        memberId: member.id,
        target: {
          ...(member.socketPath
            ? { socketPath: member.socketPath }
            : { address: member.monitorAddress ?? member.address, port: member.monitorPort ?? member.port }),
          ...PROXY_PROTOCOL_VERSION[pool.protocol],
          // HAProxy's checks sent to another address or port (`addr`, `port`) are in clear, unless `check-ssl`.
          ...(tls && (tls.always || (member.monitorAddress === null && member.monitorPort === null))
            ? { tls: tls.settings }
            : {}),
        },
        monitor: {
          type: monitor.type,
          delay: monitor.delaySeconds,
          timeout: monitor.timeoutSeconds,
          maxRetries: monitor.maxRetries,
          maxRetriesDown: monitor.maxRetriesDown,
          httpMethod: monitor.httpMethod,
          urlPath: monitor.urlPath,
          expectedCodes: monitor.expectedCodes,
          httpVersion: monitor.httpVersion === 1.1 ? 1.1 : 1.0,
          domainName: monitor.domainName,
        },
      }));
  });
}

/**
 * The TLS a `tls_enabled` pool's member checks go over, as the amphora's, one object per pool so that checks share its
 * secure context: HTTP and TCP checks inherit the server's `ssl` settings; HTTPS checks (`check-ssl verify none`,
 * `always`) present the client certificate and verify nothing; TLS-HELLO and the others send what they always send.
 */
function checkTls(pool: PoolSpec): { settings: PoolSpec['tls']; always: boolean } | null {
  const type = pool.healthMonitor!.type;
  if (!pool.tls.enabled) return null;
  if (type === 'HTTPS') return { settings: { ...pool.tls, caPem: null, crlPem: null }, always: true };
  return type === 'HTTP' || type === 'TCP' ? { settings: pool.tls, always: false } : null;
}
