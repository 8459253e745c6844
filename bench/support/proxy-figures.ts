import { median } from './bench-namespaces.ts';
import { reapedChildrenCpuSeconds, treeCpuSeconds } from './process-cpu.ts';
import { ratio } from './tcp-load.ts';

/** One figure of one round: the rate, and what the proxy and the load side spent on it. */
export interface Sample {
  perSecond: number;
  /** The work done (requests, connections, gigabits) per CPU second of the proxy. */
  perCpuSecond: number;
  /** Proxy CPU seconds per second: 1 is all of its CPU. */
  proxyLoad: number;
  /** CPU seconds per second of the load generator and the backend: 1 is all of their CPU. */
  loadSide: number;
  p50Ms?: number;
  p99Ms?: number;
  errors?: number;
  /** TCP connections the namespace accepted per request (client to proxy, proxy to backend). */
  acceptsPerRequest?: number;
}

/** How a figure is printed. */
export interface FigureFormat {
  title: string;
  unit: string;
  perCpuUnit: string;
  digits: number;
}

/**
 * Runs `load` and charges the CPU of the proxy (its process tree), of the load generator (reaped children of this
 * process) and of the backend to it.
 */
export function charged<T extends { amount: number }>(proxyPid: number, backendPid: number, load: () => T) {
  const proxyBefore = treeCpuSeconds(proxyPid);
  const loadBefore = reapedChildrenCpuSeconds() + treeCpuSeconds(backendPid);
  const started = performance.now();
  const result = load();
  const wall = (performance.now() - started) / 1000;
  const proxyCpu = treeCpuSeconds(proxyPid) - proxyBefore;
  return {
    result,
    perCpuSecond: result.amount / proxyCpu,
    proxyLoad: proxyCpu / wall,
    loadSide: (reapedChildrenCpuSeconds() + treeCpuSeconds(backendPid) - loadBefore) / wall,
  };
}

/**
 * Prints a figure's medians per proxy, with ratios against the last proxy (the reference) and every round; returns
 * the medians of the rate, in the proxies' order.
 */
export function report(figure: FigureFormat, labels: readonly string[], samples: readonly Sample[][]): number[] {
  console.log(figure.title);
  const medians = samples.map((rounds) => ({
    perSecond: median(rounds.map((s) => s.perSecond)),
    perCpuSecond: median(rounds.map((s) => s.perCpuSecond)),
    p50Ms: median(rounds.map((s) => s.p50Ms ?? 0)),
    p99Ms: median(rounds.map((s) => s.p99Ms ?? 0)),
  }));
  const reference = medians[medians.length - 1]!;
  const referenceLabel = labels[labels.length - 1]!;
  for (const [i, label] of labels.entries()) {
    const m = medians[i]!;
    const rounds = samples[i]!;
    const each = (pick: (s: Sample) => number, digits: number) => rounds.map((s) => pick(s).toFixed(digits)).join('/');
    const latency =
      rounds[0]!.p99Ms === undefined ? '' : `, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms`;
    console.log(
      `  ${label.padEnd(7)} ${m.perSecond.toFixed(figure.digits).padStart(8)} ${figure.unit} ` +
        `(${ratio(m.perSecond, reference.perSecond, referenceLabel)})${latency}; ` +
        `${m.perCpuSecond.toFixed(figure.digits).padStart(8)} ${figure.perCpuUnit} ` +
        `(${ratio(m.perCpuSecond, reference.perCpuSecond, referenceLabel)})`,
    );
    console.log(
      `          rounds ${each((s) => s.perSecond, figure.digits)} ${figure.unit}` +
        (rounds[0]!.p99Ms === undefined
          ? ''
          : `, p50 ${each((s) => s.p50Ms!, 2)} ms, p99 ${each((s) => s.p99Ms!, 2)} ms, errors ${each((s) => s.errors!, 0)}`) +
        (rounds[0]!.acceptsPerRequest === undefined
          ? ''
          : `, accepts/request ${each((s) => s.acceptsPerRequest!, 2)}`) +
        `; proxy CPU ${each((s) => s.proxyLoad, 2)}, load side ${each((s) => s.loadSide, 2)}`,
    );
  }
  return medians.map((m) => m.perSecond);
}

/** Prints whether `share` of the reference meets the bar (at least, or at most, `bar`). */
export function verdict(name: string, share: number, bar: number, atLeast: boolean): void {
  const holds = atLeast ? share >= bar : share <= bar;
  console.log(`  ${name} ${share.toFixed(3)}x HAProxy: ${holds ? 'meets' : 'MISSES'} ${atLeast ? '>=' : '<='} ${bar}x`);
}
