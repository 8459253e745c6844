import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiMetrics } from '../../api/metrics-endpoint.ts';
import type { ReconcileObserver, ReconcileResult } from '../../controller/reconcile-observer.ts';
import type { HealthCheckObserver } from '../../health/health-check-observer.ts';
import type { MonitorType } from '../../model/constants.ts';

/** Bucket bounds in seconds: API answers come from one SQLite process, mostly in milliseconds. */
const API_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A reconciliation may start worker processes or program the kernel: up to a minute. */
const RECONCILE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** A probe ends within its monitor's timeout; loopback members answer in well under a millisecond. */
const HEALTH_CHECK_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export interface ServiceMetricsOptions {
  /** The data-plane drivers this node runs: their error counters start at 0, so the first error is an increase. */
  drivers?: readonly string[];
  /** prom-client's process and Node.js metrics (process_*, nodejs_*); default true. */
  processMetrics?: boolean;
}

/**
 * weir's own metrics in Prometheus' text format, in a registry of its own (none global: every WeirServer, and every
 * test, has its own). It is what the API, the reconciler and the health checker report to. Labels carry only
 * bounded, tenant-free values: drivers, results, monitor types, methods, route patterns and status codes, never a
 * project, an object id or a name.
 */
export class ServiceMetrics implements ApiMetrics, ReconcileObserver, HealthCheckObserver {
  readonly #registry = new Registry();
  readonly #requests = new Histogram({
    name: 'weir_api_request_duration_seconds',
    help: 'Time from receiving an API request to sending the last byte of its answer, by method, route pattern and status code; _count counts requests.',
    labelNames: ['method', 'route', 'code'] as const,
    buckets: API_BUCKETS,
    registers: [this.#registry],
  });
  readonly #reconciles = new Histogram({
    name: 'weir_reconcile_duration_seconds',
    help: "Time one reconciliation of one load balancer took, from reading its desired state to writing its statuses, by data-plane driver ('none' when it runs on none here) and result (applied, unchanged, removed, failed).",
    labelNames: ['driver', 'result'] as const,
    buckets: RECONCILE_BUCKETS,
    registers: [this.#registry],
  });
  readonly #reconcileErrors = new Counter({
    name: 'weir_reconcile_errors_total',
    help: "Reconciliations that failed, by data-plane driver: the driver refused or failed the load balancer, the store failed, or its provider does not run here ('none').",
    labelNames: ['driver'] as const,
    registers: [this.#registry],
  });
  readonly #desired = new Gauge({
    name: 'weir_desired_revision',
    help: 'The newest store revision: how many committed transactions have changed the desired state.',
    registers: [this.#registry],
  });
  readonly #applied = new Gauge({
    name: 'weir_applied_revision',
    help: 'The newest store revision whose load-balancer changes the data planes all carry; below weir_desired_revision while reconciliation is behind, or stuck on a load balancer that fails.',
    registers: [this.#registry],
  });
  readonly #checks = new Histogram({
    name: 'weir_health_check_duration_seconds',
    help: 'Time one health-check probe of one member took, by monitor type and result (success, failure); _count counts probes.',
    labelNames: ['type', 'result'] as const,
    buckets: HEALTH_CHECK_BUCKETS,
    registers: [this.#registry],
  });

  constructor(options: ServiceMetricsOptions = {}) {
    for (const driver of options.drivers ?? []) this.#reconcileErrors.inc({ driver }, 0);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.#registry });
  }

  answered(method: string, route: string, code: number, seconds: number): void {
    this.#requests.observe({ method, route, code }, seconds);
  }

  reconciled(driver: string, result: ReconcileResult, seconds: number): void {
    this.#reconciles.observe({ driver, result }, seconds);
    if (result === 'failed') this.#reconcileErrors.inc({ driver });
  }

  revisions(desired: number, applied: number): void {
    this.#desired.set(desired);
    this.#applied.set(applied);
  }

  probed(type: MonitorType, ok: boolean, seconds: number): void {
    this.#checks.observe({ type, result: ok ? 'success' : 'failure' }, seconds);
  }

  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.#registry.contentType, text: await this.#registry.metrics() };
  }
}
