import type { BenchNamespaces } from './bench-namespaces.ts';

/** What one wrk run measured. */
export interface Wrk {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors (connect, read, write, timeout) and non-2xx/3xx answers. */
  errors: number;
}

export interface WrkOptions {
  /** The namespace wrk runs in, and the CPU it is pinned to. */
  ns: string;
  cpu: number;
  connections: number;
  seconds: number;
  /** More wrk arguments before the URL, e.g. `-H`, `Connection: close`. */
  extra?: readonly string[];
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** wrk's latency as printed (`1.23ms`, `850.00us`) in milliseconds. */
function milliseconds(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) throw new Error(`wrk latency "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** One wrk run with one thread against `url`, with its latency distribution. */
export function runWrk(net: BenchNamespaces, url: string, options: WrkOptions): Wrk {
  const { ns, cpu, connections, seconds } = options;
  const args = ['-c', String(connections), '-t', '1', '-d', `${seconds}s`, '--latency', ...(options.extra ?? []), url];
  const out = net.run(ns, ['taskset', '-c', String(cpu), 'wrk', ...args], (seconds + 30) * 1000);
  const find = (pattern: RegExp) => {
    const match = pattern.exec(out);
    if (!match) throw new Error(`wrk printed no ${pattern}:\n${out}`);
    return match[1]!;
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests: Number(find(/(\d+) requests in/)),
    perSecond: Number(find(/Requests\/sec:\s+([\d.]+)/)),
    p50Ms: milliseconds(find(/\s50%\s+(\S+)/)),
    p99Ms: milliseconds(find(/\s99%\s+(\S+)/)),
    errors:
      (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) +
      Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}
