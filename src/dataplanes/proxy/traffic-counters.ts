import type { TrafficCounters } from '../driver.ts';

/** A listener's counters, bumped in place on the data path and copied out for /stats. */
export class ListenerCounters implements TrafficCounters {
  bytesIn = 0;
  bytesOut = 0;
  activeConnections = 0;
  totalConnections = 0;
  requestErrors = 0;
  /** Stays undefined on listeners that see no requests (TCP, UDP). */
  totalRequests: number | undefined = undefined;

  snapshot(): TrafficCounters {
    const { bytesIn, bytesOut, activeConnections, totalConnections, requestErrors, totalRequests } = this;
    const counters: TrafficCounters = { bytesIn, bytesOut, activeConnections, totalConnections, requestErrors };
    if (totalRequests !== undefined) counters.totalRequests = totalRequests;
    return counters;
  }
}
