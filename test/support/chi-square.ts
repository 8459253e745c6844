/**
 * Pearson's chi-square goodness-of-fit test at p = 0.01, for tests of weighted choices: the critical values come from
 * the chi-square distribution's table for 1-10 degrees of freedom.
 */
const CRITICAL_AT_1_PERCENT = [6.635, 9.21, 11.345, 13.277, 15.086, 16.812, 18.475, 20.09, 21.666, 23.209];

/** The statistic for counts observed against shares expected (any positive scale), and whether p > 0.01. */
export function chiSquare(
  observed: readonly number[],
  weights: readonly number[],
): { statistic: number; fits: boolean } {
  const total = observed.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const statistic = observed.reduce((sum, count, i) => {
    const expected = (total * weights[i]!) / weightSum;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
  const critical = CRITICAL_AT_1_PERCENT[observed.length - 2];
  if (critical === undefined) throw new RangeError(`chiSquare takes 2-11 categories, not ${observed.length}`);
  return { statistic, fits: statistic < critical };
}
