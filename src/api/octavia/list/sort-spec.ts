import { badRequest } from '../../faults.ts';
import { type Query, singleValue } from './query-values.ts';

export type SortDirection = 'asc' | 'desc';
export type SortKey = { readonly key: string; readonly direction: SortDirection };

/** Octavia's default direction, used for keys given without one; `sort_dir` alone does not change it. */
const DEFAULT_DIRECTION: SortDirection = 'asc';

/** Octavia always sorts by these last (when the resource has them), so that pages are stable. */
const TIEBREAK_KEYS = ['created_at', 'id'];

/** Directions are case-insensitive; the error quotes the lowercased text. */
function parseDirection(raw: string): SortDirection {
  const direction = raw.toLowerCase();
  if (direction !== 'asc' && direction !== 'desc')
    throw badRequest(`Supplied sort direction '${direction}' is not valid.`);
  return direction;
}

/** Python's repr() of a list of strings, which Octavia puts in the error for `sort=a:b:c`. */
const pythonListRepr = (parts: string[]): string => `[${parts.map((part) => `'${part}'`).join(', ')}]`;

/**
 * The requested sort keys, before they are checked against the resource: `sort=k[:dir],...` wins over the legacy
 * `sort_key=k1,k2` + `sort_dir=d1,d2` (missing directions default to asc, extra ones are ignored unchecked).
 */
export function parseSortSpec(query: Query): SortKey[] {
  const sort = singleValue(query, 'sort');
  if (sort) {
    return sort.split(',').map((part) => {
      const parts = part.split(':');
      const [key, direction] = parts;
      if (parts.length > 2) throw badRequest(`Supplied sort key '${pythonListRepr(parts)}' is not valid.`);
      return { key: key!, direction: direction === undefined ? DEFAULT_DIRECTION : parseDirection(direction) };
    });
  }
  const sortKeys = singleValue(query, 'sort_key');
  if (!sortKeys) return [];
  const directions = singleValue(query, 'sort_dir')?.split(',') ?? [];
  return sortKeys.split(',').map((key, index) => {
    const direction = directions[index];
    return { key, direction: direction === undefined ? DEFAULT_DIRECTION : parseDirection(direction) };
  });
}

/**
 * The keys to order by: the requested ones, each of which must be a sortable attribute, followed by created_at and
 * id unless already requested.
 */
export function resolveSortKeys(requested: SortKey[], sortable: ReadonlySet<string>): SortKey[] {
  for (const { key } of requested) {
    if (!sortable.has(key)) throw badRequest(`Supplied sort key '${key}' is not valid.`);
  }
  const tiebreaks = TIEBREAK_KEYS.filter((key) => sortable.has(key) && !requested.some((sort) => sort.key === key));
  return [...requested, ...tiebreaks.map((key) => ({ key, direction: DEFAULT_DIRECTION }))];
}
