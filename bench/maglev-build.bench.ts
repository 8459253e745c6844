/**
 * Maglev table build time for 100 members and the default 65537 slots, against a floor measured in the same run:
 * one xxhash32 per slot, the least any table deciding each slot by hashing would cost.
 * Run: node --import tsx bench/maglev-build.bench.ts
 */
import { buildMaglevTable, DEFAULT_MAGLEV_SEED, DEFAULT_MAGLEV_TABLE_SIZE } from '../src/balancing/maglev-table.ts';
import { xxhash32 } from '../src/balancing/xxhash32.ts';

const options = { tableSize: DEFAULT_MAGLEV_TABLE_SIZE, seed: DEFAULT_MAGLEV_SEED };

function median(run: () => void): number {
  const times: number[] = [];
  for (let round = 0; round < 21; round++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[10]!;
}

const key = new Uint8Array(4);
const view = new DataView(key.buffer);
let sink = 0;
const floor = median(() => {
  for (let slot = 0; slot < options.tableSize; slot++) {
    view.setUint32(0, slot, true);
    sink ^= xxhash32(key, 4, options.seed);
  }
});
console.log(`floor: one xxhash32 per slot, ${options.tableSize} slots: median ${floor.toFixed(2)} ms (${sink & 1})`);

for (const [label, weightOf] of [
  ['equal weights', () => 1],
  ['weights 1-256', (i: number) => 1 + ((i * 97) % 256)],
] as const) {
  const members = Array.from({ length: 100 }, (_, i) => ({ id: crypto.randomUUID(), weight: weightOf(i) }));
  const time = median(() => buildMaglevTable(members, options));
  console.log(
    `build, 100 members x ${options.tableSize} slots, ${label}: median ${time.toFixed(2)} ms, ` +
      `${(time / floor).toFixed(1)}x the floor`,
  );
}
