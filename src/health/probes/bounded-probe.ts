import type { ProbeResult } from '../monitor-spec.ts';

/** Gives one probe attempt's verdict; calls after the first are ignored. */
export type Settle = (ok: boolean, reason: string) => void;

/** Starts a probe attempt and returns what releases its resources (sockets, child processes). */
export type StartAttempt = (settle: Settle) => () => void;

/** What a probe concludes when its timeout passes without a verdict; most probes call that a failure. */
export type OnTimeout = (timeoutSeconds: number) => { ok: boolean; reason: string };

const failOnTimeout: OnTimeout = (timeoutSeconds) => ({ ok: false, reason: `no answer within ${timeoutSeconds}s` });

/**
 * Runs one probe attempt bounded by a timeout and the caller's signal. Whichever comes first, the attempt's own
 * verdict, the timeout or the abort, wins, and the cleanup runs exactly once, so nothing outlives the probe.
 * An abort rejects with the signal's reason: an abandoned probe is no verdict on the member.
 */
export function boundedProbe(
  timeoutSeconds: number,
  signal: AbortSignal,
  start: StartAttempt,
  onTimeout: OnTimeout = failOnTimeout,
): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const startedAt = performance.now();
    let cleanup: (() => void) | undefined;
    let finished = false;
    const finish = (outcome: () => void): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      cleanup?.();
      outcome();
    };
    const settle: Settle = (ok, reason) =>
      finish(() => resolve({ ok, reason, latencyMs: performance.now() - startedAt }));
    const onAbort = (): void => finish(() => reject(signal.reason));
    const timer = setTimeout(() => {
      const verdict = onTimeout(timeoutSeconds);
      settle(verdict.ok, verdict.reason);
    }, timeoutSeconds * 1000);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      cleanup = start(settle);
    } catch (error) {
      settle(false, errorReason(error));
    }
    // A verdict given while `start` was still running found no cleanup to call yet.
    if (finished) cleanup?.();
  });
}

export function errorReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
