/**
 * A small seeded generator (mulberry32) for property tests: the same seed gives the same cases, so a failure names
 * the seed that reproduces it. Set WEIR_FUZZ_SEED to replay one.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(): boolean {
    return this.next() < 0.5;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }
}

/** The seed to use: WEIR_FUZZ_SEED when set, else a fresh one (reported by the test so it can be replayed). */
export function fuzzSeed(): number {
  const fixed = process.env.WEIR_FUZZ_SEED;
  return fixed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(fixed);
}

/**
 * Cases a property test runs at most, and the time they may take: 5,000 in 10 s in the test run; WEIR_FUZZ_CASES
 * asks for a longer run on demand (2 ms a case allowed beyond the first 10 s).
 */
const CASES = Number(process.env.WEIR_FUZZ_CASES ?? 5_000);
const TIME_BUDGET_MS = Math.max(10_000, CASES * 2);
/** A test timeout that leaves a property test its whole time budget. */
export const FUZZ_TEST_TIMEOUT_MS = TIME_BUDGET_MS + 50_000;

/**
 * Runs `check` on generated cases until CASES or the time budget, whichever comes first; at least a tenth of CASES
 * must run. A failure names the case and the seed that replays it.
 */
export function forCases(name: string, check: (random: SeededRandom) => void): void {
  const seed = fuzzSeed();
  const random = new SeededRandom(seed);
  const deadline = Date.now() + TIME_BUDGET_MS;
  let ran = 0;
  try {
    while (ran < CASES && Date.now() < deadline) {
      check(random);
      ran++;
    }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`${name} failed on case ${ran} with WEIR_FUZZ_SEED=${seed}: ${why}`, { cause: error });
  }
  if (ran < CASES / 10) throw new Error(`${name}: only ${ran} cases in ${TIME_BUDGET_MS} ms`);
}
