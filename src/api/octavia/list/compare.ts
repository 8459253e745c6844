import type { SortKey } from './sort-spec.ts';

/** SQL's order across types: NULL first, then numbers (booleans are 0/1 columns), then text. */
function typeRank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number' || typeof value === 'boolean') return 1;
  return 2;
}

/** Ascending order of two attribute values as Octavia's database orders them. */
export function compareValues(a: unknown, b: unknown): number {
  const rankDifference = typeRank(a) - typeRank(b);
  if (rankDifference !== 0 || typeRank(a) === 0) return rankDifference;
  if (typeRank(a) === 1) return Number(a) - Number(b);
  const [left, right] = [String(a), String(b)];
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Orders items by the sort keys in turn; also decides which items lie before or after a pagination marker. */
export function compareBy(
  sortKeys: readonly SortKey[],
): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  return (a, b) => {
    for (const { key, direction } of sortKeys) {
      const order = compareValues(a[key], b[key]);
      if (order !== 0) return direction === 'asc' ? order : -order;
    }
    return 0;
  };
}
