/**
 * Maglev disruption and balance: for N = 3, 10, 100 equal-weight members on the default table (65537 slots), the
 * share of slots (hence of flows) that change member when one member leaves, against the ideal 1/N, and how evenly
 * the slots are spread. A member leaves in the two ways weir has: rebuilt out of the table (deleted) and redirected
 * (down: `redirectIneligible`). Every member leaves once in turn; the figures are the mean and the worst case.
 * A note with weights follows: one member of weight 2 among members of weight 1.
 * Run: node --import tsx bench/maglev-disruption.bench.ts (pure computation, no root needed).
 */
import {
  buildMaglevTable,
  DEFAULT_MAGLEV_SEED,
  DEFAULT_MAGLEV_TABLE_SIZE,
  type MaglevMember,
  type MaglevTable,
  redirectIneligible,
} from '../src/balancing/maglev-table.ts';
import { xxhash32 } from '../src/balancing/xxhash32.ts';

const options = { tableSize: DEFAULT_MAGLEV_TABLE_SIZE, seed: DEFAULT_MAGLEV_SEED };
const M = options.tableSize;

/** UUID-shaped ids that are the same on every run, so the printed figures can be reproduced. */
function memberId(i: number): string {
  const bytes = new TextEncoder().encode(`member-${i}`);
  const hex = [1, 2, 3, 4].map((seed) => (xxhash32(bytes, bytes.length, seed) >>> 0).toString(16).padStart(8, '0'));
  const all = hex.join('');
  return `${all.slice(0, 8)}-${all.slice(8, 12)}-${all.slice(12, 16)}-${all.slice(16, 20)}-${all.slice(20)}`;
}

/** The member id each slot sends its flows to. */
function owners(table: MaglevTable, slots: Uint32Array = table.slots): string[] {
  return Array.from(slots, (index) => table.ids[index]!);
}

interface Moved {
  /** Share of all slots whose member changed. */
  total: number;
  /** Share of all slots that moved from one member that stayed to another. */
  betweenSurvivors: number;
}

function moved(before: readonly string[], after: readonly string[], leaving: string): Moved {
  let total = 0;
  let between = 0;
  for (let slot = 0; slot < before.length; slot++) {
    if (before[slot] === after[slot]) continue;
    total++;
    if (before[slot] !== leaving) between++;
  }
  return { total: total / before.length, betweenSurvivors: between / before.length };
}

/** Slots per member: max/min, and the largest deviation from the member's weighted share, in percent of it. */
function balance(table: MaglevTable, members: readonly MaglevMember[]): { maxOverMin: number; deviation: number } {
  const counts = new Map<string, number>(table.ids.map((id) => [id, 0]));
  for (const index of table.slots) counts.set(table.ids[index]!, counts.get(table.ids[index]!)! + 1);
  const totalWeight = members.reduce((sum, m) => sum + m.weight, 0);
  let deviation = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const member of members) {
    const count = counts.get(member.id)!;
    const ideal = (M * member.weight) / totalWeight;
    deviation = Math.max(deviation, Math.abs(count - ideal) / ideal);
    // Per unit of weight, so a member of weight 2 is not counted as imbalance.
    min = Math.min(min, count / member.weight);
    max = Math.max(max, count / member.weight);
  }
  return { maxOverMin: max / min, deviation: deviation * 100 };
}

/** Each of `leavers` leaves once; the moved shares of rebuilding without it and of redirecting its slots. */
function leaveEach(members: readonly MaglevMember[], leavers: readonly MaglevMember[]) {
  const table = buildMaglevTable(members, options);
  const before = owners(table);
  return leavers.map((leaver) => {
    const rebuilt = buildMaglevTable(
      members.filter((m) => m !== leaver),
      options,
    );
    const eligible = table.ids.map((id) => id !== leaver.id);
    return {
      rebuilt: moved(before, owners(rebuilt), leaver.id),
      redirected: moved(before, owners(table, redirectIneligible(table, eligible)), leaver.id),
    };
  });
}

const pct = (share: number) => `${(share * 100).toFixed(2)}%`;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** One line per way of leaving: moved shares, mean and worst, against the ideal. */
function printMoved(results: readonly { rebuilt: Moved; redirected: Moved }[], ideal: number): void {
  for (const way of ['rebuilt', 'redirected'] as const) {
    const totals = results.map((r) => r[way].total);
    const between = results.map((r) => r[way].betweenSurvivors);
    console.log(
      `  ${way.padEnd(10)} moved mean ${pct(mean(totals))} (worst ${pct(Math.max(...totals))}), ` +
        `${(mean(totals) / ideal).toFixed(3)}x ideal; between survivors mean ${pct(mean(between))} ` +
        `(worst ${pct(Math.max(...between))})`,
    );
  }
}

console.log(`Maglev, ${M} slots, seed ${options.seed.toString(16)}; one member leaves, each in turn`);
for (const n of [3, 10, 100]) {
  const members = Array.from({ length: n }, (_, i) => ({ id: memberId(i), weight: 1 }));
  const { maxOverMin, deviation } = balance(buildMaglevTable(members, options), members);
  const results = leaveEach(members, members);
  console.log(
    `N=${n}: ideal moved 1/N = ${pct(1 / n)}; balance: max/min slots ${maxOverMin.toFixed(4)}, ` +
      `max deviation from M/N ${deviation.toFixed(3)}%`,
  );
  printMoved(results, 1 / n);
}

const n = 10;
const weighted = Array.from({ length: n }, (_, i) => ({ id: memberId(i), weight: i === 0 ? 2 : 1 }));
const heavy = weighted[0]!;
const { maxOverMin, deviation } = balance(buildMaglevTable(weighted, options), weighted);
console.log(
  `weights: N=${n}, one member of weight 2, the rest 1: max/min slots per unit of weight ${maxOverMin.toFixed(4)}, ` +
    `max deviation from the weighted share ${deviation.toFixed(3)}%`,
);
const heavyLeaves = leaveEach(weighted, [heavy]);
console.log(`  the weight-2 member leaves (ideal 2/11 = ${pct(2 / 11)}):`);
printMoved(heavyLeaves, 2 / 11);
const lightLeaves = leaveEach(weighted, weighted.slice(1));
console.log(`  a weight-1 member leaves, each in turn (ideal 1/11 = ${pct(1 / 11)}):`);
printMoved(lightLeaves, 1 / 11);
