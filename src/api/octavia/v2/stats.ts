import { sumTraffic, type TrafficCounters } from '../../../dataplanes/driver.ts';

/**
 * Octavia's stats body from data-plane counters, and `total_requests` (a weir extension) where the data plane counts
 * HTTP requests.
 */
export function sumCounters(counters: readonly TrafficCounters[]) {
  const total = sumTraffic(counters);
  return {
    bytes_in: total.bytesIn,
    bytes_out: total.bytesOut,
    active_connections: total.activeConnections,
    total_connections: total.totalConnections,
    request_errors: total.requestErrors,
    ...(total.totalRequests === undefined ? {} : { total_requests: total.totalRequests }),
  };
}
