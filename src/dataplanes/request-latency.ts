/**
 * How long HTTP requests took through a listener, from the request going to a member to its answer complete, as a
 * histogram with fixed bounds: counting is one comparison per bound and an increment, and histograms of several
 * processes add up bucket by bucket.
 */

/** Upper bounds of the buckets, in seconds; one more bucket above the last holds the rest (`+Inf`). */
export const LATENCY_BOUNDS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** A histogram as counters carry it: requests per bucket (not cumulative), and their summed duration. */
export interface LatencyCounts {
  buckets: number[];
  sumSeconds: number;
}

export const emptyLatency = (): LatencyCounts => ({
  buckets: new Array<number>(LATENCY_BOUNDS_SECONDS.length + 1).fill(0),
  sumSeconds: 0,
});

export function recordLatency(counts: LatencyCounts, seconds: number): void {
  let bucket = 0;
  while (bucket < LATENCY_BOUNDS_SECONDS.length && seconds > LATENCY_BOUNDS_SECONDS[bucket]!) bucket++;
  counts.buckets[bucket]!++;
  counts.sumSeconds += seconds;
}

/** `more` added into `into`. */
export function addLatency(into: LatencyCounts, more: LatencyCounts): void {
  for (let i = 0; i < into.buckets.length; i++) into.buckets[i]! += more.buckets[i] ?? 0;
  into.sumSeconds += more.sumSeconds;
}
