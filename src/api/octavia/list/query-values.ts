import { badRequest } from '../../faults.ts';

/** A parsed query string: a key given more than once arrives as an array. */
export type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Octavia's answer to an unknown or repeated filter argument. */
export const INVALID_ARGUMENTS = 'One or more arguments are either duplicate or invalid';

/**
 * The one value of a parameter that Octavia reads as a scalar. Octavia fails with a 500 when such a parameter is
 * repeated; weir answers the 400 Octavia gives for duplicate filter arguments instead.
 */
export function singleValue(query: Query, key: string): string | undefined {
  const value = query[key];
  if (typeof value === 'string' || value === undefined) return value;
  if (value.length > 1) throw badRequest(INVALID_ARGUMENTS);
  return value[0];
}

/** Every value of a repeatable parameter, in query order. */
export function allValues(query: Query, key: string): string[] | undefined {
  const value = query[key];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : [...value];
}
