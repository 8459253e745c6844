import { badRequest } from '../faults.ts';
import { matchesFilter } from './list/attribute-filter.ts';
import { compareBy } from './list/compare.ts';
import { projectFields } from './list/fields.ts';
import { parseLimit } from './list/limit.ts';
import { type PageLink, pageLinks } from './list/links.ts';
import { allValues, INVALID_ARGUMENTS, type Query, singleValue } from './list/query-values.ts';
import { parseSortSpec, resolveSortKeys } from './list/sort-spec.ts';
import { matchesTags, parseTagFilters, TAG_PARAMETERS } from './list/tag-filter.ts';

export { projectFields } from './list/fields.ts';
export type { PageLink } from './list/links.ts';
export type { Query } from './list/query-values.ts';

/** Parameters that steer the listing rather than filter it. */
const PAGING_PARAMETERS = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'fields', 'page_reverse']);
const NON_FILTERS = new Set<string>([...PAGING_PARAMETERS, ...TAG_PARAMETERS]);

export type ListOptions<T> = {
  /** The collection's URL without a query, the base of the pagination links. */
  baseUrl: string;
  /**
   * The resource's scalar attributes: the only ones that may be filtered or sorted on (others -> 400). Defaults to
   * the scalar attributes the items have, which cannot reject anything when the list is empty.
   */
  filterable?: ReadonlySet<string>;
  /** `[api_settings] pagination_max_limit`; Infinity for none. */
  maxLimit?: number;
  /** Reads an attribute for filtering and sorting, for filters that are not rendered (a pool's loadbalancer_id). */
  attributeValue?: (item: T, attribute: string) => unknown;
};

export type ListResult<T> = { items: Partial<T>[]; links: PageLink[] };

/** The attributes whose rendered values are scalars; tenant_id is only an alias of project_id, not a column. */
function scalarAttributes(items: readonly Record<string, unknown>[]): Set<string> {
  const attributes = new Set<string>();
  for (const item of items) {
    for (const [key, value] of Object.entries(item)) {
      if (value === null || typeof value !== 'object') attributes.add(key);
    }
  }
  attributes.delete('tenant_id');
  return attributes;
}

/**
 * Octavia's list semantics over the already-rendered objects a project may see: attribute and tag filters, sorting,
 * marker/limit paging with page_reverse, the `<collection>_links`, and `fields`. Errors are 400 Faults, raised in
 * Octavia's order: limit, sort direction, filter arguments, sort key, marker. docs/octavia-list-semantics.md has
 * the rules.
 */
export function applyListQuery<T extends Record<string, unknown>>(
  items: readonly T[],
  query: Query,
  options: ListOptions<T>,
): ListResult<T> {
  const limit = parseLimit(singleValue(query, 'limit'), options.maxLimit);
  const requestedSort = parseSortSpec(query);

  const attributes = options.filterable ?? scalarAttributes(items);
  // Without objects there are no attributes to check against, and whatever a filter or sort key names, the answer
  // is the empty list: as Octavia, which knows its columns without rows, answers every real attribute.
  const known = (key: string) => attributes.has(key) || (options.filterable === undefined && items.length === 0);
  const filters: [string, string][] = [];
  for (const key of Object.keys(query)) {
    if (NON_FILTERS.has(key)) continue;
    const text = singleValue(query, key);
    if (text === undefined) continue;
    if (!known(key)) throw badRequest(INVALID_ARGUMENTS);
    filters.push([key, text]);
  }
  const tagFilters = parseTagFilters(query);
  const sortKeys = resolveSortKeys(
    requestedSort,
    items.length === 0 ? new Set(requestedSort.map((s) => s.key)) : attributes,
  );

  // Octavia looks the marker up by id alone, so it need not pass the filters.
  const markerId = singleValue(query, 'marker');
  const marker = markerId === undefined ? undefined : items.find((item) => item.id === markerId);
  if (markerId !== undefined && marker === undefined) {
    throw badRequest(`Supplied pagination marker '${markerId}' is not valid.`);
  }

  const attributeValue = options.attributeValue ?? ((item: T, attribute: string) => item[attribute]);
  const sortView = (item: T): Record<string, unknown> =>
    Object.fromEntries(sortKeys.map(({ key }) => [key, attributeValue(item, key)]));
  const compare = compareBy(sortKeys);

  let selected = items
    .filter((item) => filters.every(([key, text]) => matchesFilter(key, attributeValue(item, key), text)))
    .filter((item) => matchesTags(item.tags, tagFilters))
    .map((item) => ({ item, view: sortView(item) }))
    .sort((a, b) => compare(a.view, b.view));
  if (marker !== undefined) {
    // page_reverse (exactly "True") keeps what precedes the marker, still in forward order and from the start.
    const markerView = sortView(marker);
    const reverse = singleValue(query, 'page_reverse') === 'True';
    selected = selected.filter(({ view }) => (reverse ? compare(view, markerView) < 0 : compare(view, markerView) > 0));
  }
  const page = selected.slice(0, limit).map(({ item }) => item);

  const links = pageLinks(page, {
    baseUrl: options.baseUrl,
    limit,
    sort: singleValue(query, 'sort'),
    sortKey: singleValue(query, 'sort_key'),
    hadMarker: Boolean(markerId),
  });
  const fields = allValues(query, 'fields');
  return { items: page.map((item) => projectFields(item, fields)), links };
}
