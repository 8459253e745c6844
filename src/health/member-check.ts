import type { MonitorSpec, ProbeTarget } from './monitor-spec.ts';

/** One member under a health monitor, as a data plane hands it to the HealthChecker. */
export type MemberCheck = { memberId: string; target: ProbeTarget; monitor: MonitorSpec };

/** Equal keys mean the same probe: a check whose key is unchanged keeps its state across setChecks. */
export function memberCheckKey(check: MemberCheck): string {
  return JSON.stringify([check.memberId, sortedEntries(check.target), sortedEntries(check.monitor)]);
}

function sortedEntries(value: object): [string, unknown][] {
  return Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
