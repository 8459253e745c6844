/**
 * How long a change takes to reach the kernel with 1, 100 and 10,000 load balancers on the `nat` provider (each one
 * TCP listener, pool and member), in a network namespace of its own.
 * Run (root; needs nft): node --import tsx bench/kernel-apply-time.bench.ts
 * Environment: BENCH_CHANGES, changes measured per size (default 6); BENCH_SIZES, the sizes (default 1,100,10000).
 *
 * Through the API (1 and 100 load balancers, created with a real `weir serve`): from the POST of a second member
 * (or the DELETE of it) until `nft list chain` shows it (or no longer does). Each of those takes one table write per
 * create step, so 10,000 created that way would take about 10,000 x 4 writes of a growing table; the time 100 took
 * is printed with that estimate, and 10,000 is measured at the driver level instead: the table is filled from a
 * state file (as a restarted weir restores it) and one load balancer's services are set through `NatTable.set`, the
 * write `NatLoadBalancers.apply` makes. That part runs in a child process inside the namespace (nft and the state
 * file are then that namespace's). `nft -f` of the whole table alone is timed too, and the ratio 10,000 vs 1 printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { NatService } from '../src/dataplanes/nftables/nat-ruleset.ts';
import { renderNatTable } from '../src/dataplanes/nftables/nat-ruleset.ts';
import { NatTable } from '../src/dataplanes/nftables/nat-table.ts';
import { runNft } from '../src/dataplanes/nftables/nft-command.ts';
import type { NamespacedWeir } from '../test/e2e/support/namespaced-weir.ts';
import { makeDataDir, removeDataDir } from '../test/e2e/support/weir-process.ts';
import { median, requireRootAnd, withNamespaces } from './support/bench-namespaces.ts';
import { type BenchLoadBalancer, createLoadBalancer, startBenchWeir, waitActive } from './support/bench-weir.ts';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 6);
const SIZES = (process.env.BENCH_SIZES ?? '1,100,10000').split(',').map(Number);
const SECOND_MEMBER = '10.77.0.12';
const INSIDE = '--inside-namespace';

interface Shown {
  /** From the start of the change until nft showed it, ms. */
  ms: number;
  polls: number;
}

/** Polls `nft list chain` (at most 30 s) until its text does or does not hold `text`. */
async function untilShown(list: () => string, text: string, present: boolean, start: number): Promise<Shown> {
  for (let polls = 1; polls <= 30_000; polls++) {
    if (list().includes(text) === present) return { ms: performance.now() - start, polls };
    if (performance.now() - start > 30_000) break;
    await sleep(1);
  }
  throw new Error(`nft did not show the change (${present ? 'adding' : 'removing'} ${text}) within 30 s`);
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const chainOf = (listenerId: string) => `svc_${listenerId.replaceAll('-', '')}_0`;

if (process.argv.includes(INSIDE)) await driverLevel();
else await outside();

async function outside(): Promise<void> {
  requireRootAnd(['nft']);
  await withNamespaces('apply', ['lb'], async (net) => {
    const weir = await startBenchWeir(net.ns('lb'));
    try {
      const listChain = (chain: string) => () => net.run('lb', ['nft', 'list', 'chain', 'inet', 'weir', chain]);
      const lbs: BenchLoadBalancer[] = [];
      let createdIn = 0;
      for (const size of [1, 100]) {
        const start = performance.now();
        while (lbs.length < size) {
          lbs.push(await createLoadBalancer(weir, [{ port: 80, member: { address: '10.77.0.11', port: 8080 } }]));
        }
        createdIn += performance.now() - start;
        const measured = lbs[0]!;
        const chain = chainOf(measured.listeners.get(80)!.listenerId);
        const changes = await memberChanges(weir, measured, listChain(chain));
        console.log(
          `API, ${String(size).padStart(6)} load balancers: member POST/DELETE until nft shows it: median ` +
            `${ms(median(changes.map((c) => c.ms)))} (${changes.map((c) => c.ms.toFixed(0)).join('/')} ms); ` +
            `all created through the API in ${(createdIn / 1000).toFixed(1)} s`,
        );
      }
      const perLb = createdIn / 1000 / 100;
      console.log(
        `creating through the API took ${perLb.toFixed(2)} s per load balancer at up to 100 (4 calls, each waited ` +
          `for ACTIVE, each a table write); 10,000 would take over ${((perLb * 10_000) / 60).toFixed(0)} min, more as ` +
          `the table grows: ${SIZES.join(', ')} are measured at the driver level below, the table filled from a state file`,
      );
    } finally {
      await weir.stop();
    }
    await sleep(200);
    const self = fileURLToPath(import.meta.url);
    const child = spawnSync(
      'ip',
      ['netns', 'exec', net.ns('lb'), process.execPath, '--import', 'tsx', self, INSIDE, String(CHANGES)],
      { stdio: 'inherit', timeout: 30 * 60_000 },
    );
    if (child.status !== 0) throw new Error(`the driver-level part failed (${child.status ?? child.signal})`);
  });
}

/** Adds a second member to the load balancer's pool and deletes it again, CHANGES times in all. */
async function memberChanges(weir: NamespacedWeir, lb: BenchLoadBalancer, list: () => string): Promise<Shown[]> {
  const { poolId } = lb.listeners.get(80)!;
  const shown: Shown[] = [];
  let memberId = '';
  for (let change = 0; change < CHANGES; change++) {
    const adding = change % 2 === 0;
    const start = performance.now();
    const response = adding
      ? weir.api('POST', `/v2/lbaas/pools/${poolId}/members`, {
          member: { address: SECOND_MEMBER, protocol_port: 8080 },
        })
      : weir.api('DELETE', `/v2/lbaas/pools/${poolId}/members/${memberId}`);
    if (response.status !== (adding ? 201 : 204)) throw new Error(`member change: ${JSON.stringify(response.json)}`);
    if (adding) memberId = response.json.member.id;
    shown.push(await untilShown(list, SECOND_MEMBER, adding, start));
    await waitActive(weir, lb.id);
  }
  return shown;
}

/** One load balancer's services as the nat provider writes them: one TCP listener, one member, or two. */
function services(index: number, members: number): NatService[] {
  return [
    {
      name: `svc_bench${index}_0`,
      vip: `10.200.${index >> 8}.${index & 255}`,
      protocol: 'tcp',
      port: 80,
      pick: 'random',
      seed: index,
      allowedCidrs: null,
      backends: ['10.77.0.11', SECOND_MEMBER].slice(0, members).map((address) => ({ address, port: 8080, weight: 1 })),
    },
  ];
}

async function driverLevel(): Promise<void> {
  const changes = Number(process.argv.at(-1));
  const listChain = () =>
    execFileSync('nft', ['list', 'chain', 'inet', 'weir', 'svc_bench0_0'], { encoding: 'utf8', timeout: 30_000 });
  const figures = new Map<number, { set: number; nft: number }>();
  for (const size of SIZES) {
    // Loading the whole table takes seconds from 1,000 load balancers on: it is timed once there.
    const wholeLoads = size >= 1000 ? 1 : changes;
    const dir = makeDataDir();
    try {
      const state: Record<string, NatService[]> = {};
      for (let i = 0; i < size; i++) state[`nat:lb-${i}`] = services(i, 1);
      const file = join(dir, 'nat-services.json');
      writeFileSync(file, JSON.stringify(state));
      const table = new NatTable();
      table.restoreFrom(file);
      // The first write loads the restored table whole, as weir's first change after a restart does.
      let start = performance.now();
      await table.set('nat:lb-0', services(0, 1));
      const load = performance.now() - start;
      const sets: Shown[] = [];
      const written: number[] = [];
      for (let change = 0; change < changes; change++) {
        const adding = change % 2 === 0;
        start = performance.now();
        await table.set('nat:lb-0', services(0, adding ? 2 : 1));
        written.push(performance.now() - start);
        sets.push(await untilShown(listChain, SECOND_MEMBER, adding, start));
      }
      const { script } = renderNatTable(Object.values(state).flat());
      const nftTimes: number[] = [];
      for (let i = 0; i < wholeLoads; i++) {
        start = performance.now();
        await runNft(script);
        nftTimes.push(performance.now() - start);
      }
      const set = median(sets.map((s) => s.ms));
      const nft = median(nftTimes);
      figures.set(size, { set, nft });
      console.log(
        `driver, ${String(size).padStart(6)} load balancers: one load balancer's change until nft shows it: median ` +
          `${ms(set)} (${sets.map((s) => s.ms.toFixed(0)).join('/')} ms), of which NatTable.set (its delta) ` +
          `${ms(median(written))}; nft -f of the whole table alone: median ` +
          `${ms(nft)}; script ${(script.length / 1024).toFixed(0)} KiB; first load after restore ${ms(load)}`,
      );
    } finally {
      await runNft('table inet weir {}\ndelete table inet weir\n');
      removeDataDir(dir);
    }
  }
  const one = figures.get(SIZES[0]!)!;
  const most = figures.get(SIZES.at(-1)!)!;
  console.log(
    `${SIZES.at(-1)} vs ${SIZES[0]} load balancers: change until shown ${(most.set / one.set).toFixed(1)}x, ` +
      `nft -f alone ${(most.nft / one.nft).toFixed(1)}x`,
  );
}
