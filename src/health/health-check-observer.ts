import type { MonitorType } from '../model/constants.ts';

/**
 * Told of every probe that finished (aborted ones say nothing and are not reported), for the service's metrics.
 * Called on the checker's path, so it must be cheap and must not throw.
 */
export interface HealthCheckObserver {
  probed(type: MonitorType, ok: boolean, seconds: number): void;
}
