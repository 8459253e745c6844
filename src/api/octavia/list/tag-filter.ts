import { allValues, type Query } from './query-values.ts';

/** The four tag filters; each takes comma-separated tags and may be repeated (the lists are joined). */
export type TagFilters = {
  readonly all?: readonly string[];
  readonly any?: readonly string[];
  readonly notAll?: readonly string[];
  readonly notAny?: readonly string[];
};

export const TAG_PARAMETERS = ['tags', 'tags-any', 'not-tags', 'not-tags-any'] as const;

function tagList(query: Query, parameter: (typeof TAG_PARAMETERS)[number]): string[] | undefined {
  return allValues(query, parameter)?.flatMap((value) => value.split(','));
}

export function parseTagFilters(query: Query): TagFilters {
  return {
    all: tagList(query, 'tags'),
    any: tagList(query, 'tags-any'),
    notAll: tagList(query, 'not-tags'),
    notAny: tagList(query, 'not-tags-any'),
  };
}

/**
 * Whether an item passes the tag filters: `tags` needs every tag, `tags-any` at least one, `not-tags` excludes
 * items having every tag, `not-tags-any` items having any. Resources without tags ignore the filters, as Octavia's
 * untagged models do; an empty value (`tags=`) asks for the tag '' which nothing has.
 */
export function matchesTags(tags: unknown, filters: TagFilters): boolean {
  if (!Array.isArray(tags)) return true;
  const has = (tag: string): boolean => tags.includes(tag);
  if (filters.all && !filters.all.every(has)) return false;
  if (filters.any && !filters.any.some(has)) return false;
  if (filters.notAll?.every(has)) return false;
  if (filters.notAny?.some(has)) return false;
  return true;
}
