import type { TrafficCounters } from '../../../dataplanes/driver.ts';

/** Octavia's stats body from data-plane counters. */
export function sumCounters(counters: readonly TrafficCounters[]) {
  const stats = { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 };
  for (const c of counters) {
    stats.bytes_in += c.bytesIn;
    stats.bytes_out += c.bytesOut;
    stats.active_connections += c.activeConnections;
    stats.total_connections += c.totalConnections;
    stats.request_errors += c.requestErrors;
  }
  return stats;
}
