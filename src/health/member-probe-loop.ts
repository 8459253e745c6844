import type { HealthCheckObserver } from './health-check-observer.ts';
import type { HealthProbe } from './health-probe.ts';
import { HealthTracker, type TrackedStatus } from './health-tracker.ts';
import type { MemberCheck } from './member-check.ts';
import type { ProbeResult } from './monitor-spec.ts';
import { errorReason } from './probes/bounded-probe.ts';

/** What is known of one member's health, for status views and the status reporter. Times are epoch ms. */
export type MemberHealth = {
  status: TrackedStatus;
  /** When the member took its status: its last change, or when its checks started (UNKNOWN). */
  since: number;
  lastCheckAt: number | null;
  /** Whether the last probe succeeded; null before the first. */
  lastOk: boolean | null;
  lastReason: string | null;
  lastLatencyMs: number | null;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
};

/** A member's status changed: from what, to what, why (the result that decided it) and when (epoch ms). */
export type StatusChange = { from: TrackedStatus; status: 'UP' | 'DOWN'; reason: string; at: number };

export type LoopClock = { now: () => number; random: () => number };

/** The longest wait before a member's first probe, spread at random so members do not probe in lockstep. */
const MAX_FIRST_PROBE_JITTER_MS = 1000;

/**
 * Probes one member every `delay` seconds, start to start, with at most one probe in flight: a probe slower than
 * the delay postpones the next one instead of overlapping it. Results feed the member's rise/fall tracker and
 * each status change is passed to `onChange`.
 */
export class MemberProbeLoop {
  readonly check: MemberCheck;
  readonly #probe: HealthProbe;
  readonly #tracker: HealthTracker;
  readonly #onChange: (change: StatusChange) => void;
  readonly #clock: LoopClock;
  readonly #observer: HealthCheckObserver | undefined;
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastCheckAt: number | null = null;
  #lastResult: ProbeResult | null = null;
  #since: number;

  constructor(
    check: MemberCheck,
    probe: HealthProbe,
    onChange: (change: StatusChange) => void,
    clock: LoopClock,
    observer?: HealthCheckObserver,
  ) {
    const { delay, timeout } = check.monitor;
    if (!(delay > 0 && Number.isFinite(delay)) || !(timeout > 0 && Number.isFinite(timeout))) {
      throw new RangeError(`member ${check.memberId}: delay and timeout must be positive seconds`);
    }
    this.check = check;
    this.#probe = probe;
    this.#tracker = new HealthTracker(check.monitor.maxRetries, check.monitor.maxRetriesDown);
    this.#onChange = onChange;
    this.#clock = clock;
    this.#observer = observer;
    this.#since = clock.now();
  }

  start(): void {
    const delayMs = this.check.monitor.delay * 1000;
    this.#schedule(this.#clock.random() * Math.min(delayMs, MAX_FIRST_PROBE_JITTER_MS));
  }

  /** Cancels the pending timer and aborts a probe in flight; nothing is reported afterwards. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
  }

  health(): MemberHealth {
    return {
      status: this.#tracker.status,
      since: this.#since,
      lastCheckAt: this.#lastCheckAt,
      lastOk: this.#lastResult?.ok ?? null,
      lastReason: this.#lastResult?.reason ?? null,
      lastLatencyMs: this.#lastResult?.latencyMs ?? null,
      consecutiveSuccesses: this.#tracker.consecutiveSuccesses,
      consecutiveFailures: this.#tracker.consecutiveFailures,
    };
  }

  #schedule(waitMs: number): void {
    this.#timer = setTimeout(() => void this.#run(), waitMs);
  }

  async #run(): Promise<void> {
    this.#timer = undefined;
    const startedAt = performance.now();
    const result = await this.#probeOnce(startedAt);
    if (this.#stopped) return;
    const finishedAt = performance.now();
    this.#observer?.probed(this.check.monitor.type, result.ok, (finishedAt - startedAt) / 1000);
    this.#schedule(Math.max(0, startedAt + this.check.monitor.delay * 1000 - finishedAt));
    this.#record(result);
  }

  /** A probe that throws instead of resolving is a failed check; an aborted one is discarded by the caller. */
  async #probeOnce(startedAt: number): Promise<ProbeResult> {
    try {
      return await this.#probe.probe(this.check.target, this.check.monitor, this.#abort.signal);
    } catch (error) {
      return { ok: false, reason: errorReason(error), latencyMs: performance.now() - startedAt };
    }
  }

  #record(result: ProbeResult): void {
    const now = this.#clock.now();
    this.#lastCheckAt = now;
    this.#lastResult = result;
    const from = this.#tracker.status;
    if (this.#tracker.record(result.ok) !== 'changed') return;
    this.#since = now;
    this.#onChange({ from, status: this.#tracker.status === 'UP' ? 'UP' : 'DOWN', reason: result.reason, at: now });
  }
}
