/**
 * Balancer hot paths: bytes allocated and nanoseconds per pick for every algorithm (`balancing-pick.test.ts` runs it).
 * Run: node --expose-gc --min-semi-space-size=512 --max-semi-space-size=512 --import tsx bench/balancing-pick.bench.ts
 * The large young generation (fixed at its maximum from the start) keeps the collector from running during a measured loop, so the growth of the heap over
 * 1e6 picks, divided by 1e6, is what one pick allocates; a loop that did collect is reported as such. The reference
 * is the same pick given a fresh context object per call, which must show up as allocation.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Balancer, BalancerTarget, PickContext } from '../src/balancing/balancer.ts';
import { balancerFor } from '../src/balancing/balancer-for.ts';
import { LB_ALGORITHMS } from '../src/model/constants.ts';

const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc');

const PICKS = 1_000_000;
let collections = 0;
new PerformanceObserver((list) => {
  collections += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

const targets: BalancerTarget[] = Array.from({ length: 10 }, (_, i) => ({
  id: `member-${i}`,
  weight: 1 + ((i * 37) % 256),
  backup: false,
  adminStateUp: true,
}));
const clients: PickContext[] = Array.from({ length: 4096 }, (_, i) => ({
  remoteAddress: i % 2 ? `::ffff:10.${(i >> 8) & 255}.${i & 255}.7` : `2001:db8::${i.toString(16)}`,
  remotePort: 1024 + i,
}));

/** Where the reference keeps its fresh contexts, so that escape analysis cannot optimise their allocation away. */
const kept: PickContext[] = new Array(1024);

/** One connection's work: pick, and for least-connections the start and end a proxy reports. */
function run(balancer: Balancer, fresh: boolean): void {
  for (let i = 0; i < PICKS; i++) {
    const client = clients[i & 4095]!;
    let ctx = client;
    if (fresh) {
      ctx = { remoteAddress: client.remoteAddress, remotePort: client.remotePort };
      kept[i & 1023] = ctx;
    }
    const target = balancer.pick(ctx)!;
    balancer.connectionStarted?.(target);
    balancer.connectionEnded?.(target);
  }
}

async function measure(balancer: Balancer, fresh: boolean): Promise<{ bytes: number; ns: number; gcs: number }> {
  run(balancer, fresh); // warm up: optimised code, settled hidden classes
  gc!();
  await sleep(20); // lets the observer report the forced collection before counting starts
  const before = collections;
  const heapBefore = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  run(balancer, fresh);
  const ns = Number(process.hrtime.bigint() - start) / PICKS;
  const heapAfter = process.memoryUsage().heapUsed;
  await sleep(20);
  return { bytes: (heapAfter - heapBefore) / PICKS, ns, gcs: collections - before };
}

for (const algorithm of LB_ALGORITHMS) {
  const balancer = balancerFor(algorithm);
  balancer.update(targets);
  const own = await measure(balancer, false);
  const reference = await measure(balancer, true);
  console.log(
    `${algorithm.padEnd(18)} ${own.bytes.toFixed(3)} B/pick, ${own.ns.toFixed(0)} ns/pick` +
      `${own.gcs ? ` (${own.gcs} collections: figure invalid)` : ''}; ` +
      `reference (fresh context per pick) ${reference.bytes.toFixed(1)} B/pick, ${reference.ns.toFixed(0)} ns/pick`,
  );
}
