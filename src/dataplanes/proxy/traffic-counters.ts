import type { TrafficCounters } from '../driver.ts';
import type { LatencyCounts } from '../request-latency.ts';

/** A listener's counters, bumped in place on the data path and copied out for /stats. */
export class ListenerCounters implements TrafficCounters {
  bytesIn = 0;
  bytesOut = 0;
  activeConnections = 0;
  totalConnections = 0;
  requestErrors = 0;
  /** Stays undefined on listeners that see no requests (TCP, UDP). */
  totalRequests: number | undefined = undefined;
  /** Likewise: how long their requests took, how they were answered, and how many L7 policies rejected. */
  latency: LatencyCounts | undefined = undefined;
  responses: number[] | undefined = undefined;
  deniedRequests: number | undefined = undefined;

  snapshot(): TrafficCounters {
    const { bytesIn, bytesOut, activeConnections, totalConnections, requestErrors, totalRequests, latency } = this;
    const { responses, deniedRequests } = this;
    const counters: TrafficCounters = { bytesIn, bytesOut, activeConnections, totalConnections, requestErrors };
    if (totalRequests !== undefined) counters.totalRequests = totalRequests;
    if (latency !== undefined) counters.latency = { buckets: [...latency.buckets], sumSeconds: latency.sumSeconds };
    if (responses !== undefined) counters.responses = [...responses];
    if (deniedRequests !== undefined) counters.deniedRequests = deniedRequests;
    return counters;
  }
}

/** What a member carried: exchanges (HTTP requests, TCP connections, UDP flows) under way and started in all. */
export interface MemberTraffic {
  current: number;
  total: number;
}

/** Members' traffic added up over the processes that carry them. */
export function sumMemberTraffic(into: Map<string, MemberTraffic>, more: Iterable<[string, MemberTraffic]>): void {
  for (const [id, traffic] of more) {
    const sum = into.get(id);
    if (sum) {
      sum.current += traffic.current;
      sum.total += traffic.total;
    } else into.set(id, { ...traffic });
  }
}
