export type PageLink = { href: string; rel: 'next' | 'previous' };

export type LinkContext = {
  /** The collection's URL without a query, e.g. http://127.0.0.1:9876/v2/lbaas/loadbalancers. */
  readonly baseUrl: string;
  /** The page size in force, undefined when unlimited. */
  readonly limit: number | undefined;
  /** The raw `sort` and `sort_key` parameters, which are the only ones the links carry over. */
  readonly sort: string | undefined;
  readonly sortKey: string | undefined;
  /** Whether the request had a marker: only then is there a previous page. */
  readonly hadMarker: boolean;
};

/**
 * Octavia's `<collection>_links`: none for an empty page; `previous` (marker = first id, page_reverse=True) when
 * the request had a marker; `next` (marker = last id) whenever the page is full, even if nothing follows. Filters,
 * fields and sort_dir are not carried over, and values go in unencoded, as Octavia writes them.
 */
export function pageLinks(page: readonly Record<string, unknown>[], context: LinkContext): PageLink[] {
  const first = page[0];
  const last = page.at(-1);
  if (first === undefined || last === undefined) return [];
  const common: string[] = [];
  // An unlimited page has no limit to repeat (Octavia 11 fails with a 500 here; later ones write limit=None).
  if (context.limit !== undefined) common.push(`limit=${context.limit}`);
  if (context.sort) common.push(`sort=${context.sort}`);
  if (context.sortKey) common.push(`sort_key=${context.sortKey}`);
  const href = (extra: string[]): string => `${context.baseUrl}?${[...common, ...extra].join('&')}`;

  const links: PageLink[] = [];
  if (context.hadMarker) links.push({ rel: 'previous', href: href([`marker=${first.id}`, 'page_reverse=True']) });
  if (context.limit !== undefined && page.length >= context.limit) {
    links.push({ rel: 'next', href: href([`marker=${last.id}`]) });
  }
  return links;
}
