import type { MonitorType } from '../model/constants.ts';
import type { MonitorSpec, ProbeResult, ProbeTarget } from './monitor-spec.ts';

/**
 * One kind of health check. `probe` resolves with the member's verdict within `spec.timeout` seconds, and rejects
 * with `signal.reason` only when the caller aborts, because an abandoned probe says nothing about the member.
 */
export type HealthProbe = {
  readonly type: MonitorType;
  probe(target: ProbeTarget, spec: MonitorSpec, signal: AbortSignal): Promise<ProbeResult>;
};
