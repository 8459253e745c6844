import { badRequest } from '../../faults.ts';

/** Octavia's default `[api_settings] pagination_max_limit`. */
export const DEFAULT_MAX_LIMIT = 1000;

/** Python's int() of a string: surrounding whitespace, a sign and digit-group underscores are accepted. */
const PYTHON_INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/**
 * The page size for a `limit` parameter: absent -> the maximum, above the maximum -> the maximum, below 1 or
 * `infinite` -> no limit at all (undefined), which also bypasses the maximum as in Octavia.
 */
export function parseLimit(raw: string | undefined, maxLimit: number = DEFAULT_MAX_LIMIT): number | undefined {
  if (raw === undefined) return Number.isFinite(maxLimit) ? maxLimit : undefined;
  if (raw === 'infinite') return undefined;
  if (!PYTHON_INT.test(raw)) throw badRequest(`Supplied pagination limit '${raw}' is not valid.`);
  const limit = Number(raw.replaceAll('_', ''));
  if (limit < 1) return undefined;
  return Math.min(limit, maxLimit);
}
