import ipaddr from 'ipaddr.js';

/** Fields that hold an IP address, which the API stores in its canonical spelling. */
const ADDRESS_FIELDS = new Set(['address', 'monitor_address', 'vip_address', 'ip_address']);

/** An IP address in the spelling the API stores (`::1` for `0:0::1`); anything else (a `unix:` path) as it is. */
export function canonicalAddress(value: unknown): unknown {
  return typeof value === 'string' && ipaddr.isValid(value) ? ipaddr.parse(value).toString() : value;
}

/**
 * Whether a field's value in the file and on the service mean the same: tags in any order, addresses in any
 * spelling, and a key holding null inside a mapping the same as an absent one (the API fills session_persistence's
 * unset keys with null). Null and absent are the same at the top too.
 */
export function sameValue(field: string, a: unknown, b: unknown): boolean {
  if (field === 'tags' && Array.isArray(a) && Array.isArray(b)) return same([...a].sort(), [...b].sort());
  if (ADDRESS_FIELDS.has(field)) return same(canonicalAddress(a), canonicalAddress(b));
  return same(a, b);
}

function same(a: unknown, b: unknown): boolean {
  if ((a ?? null) === null || (b ?? null) === null) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => same(item, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    return [...keys].every((key) => same(x[key], y[key]));
  }
  return a === b;
}

/**
 * Whether the service has what the file gives for a field set at creation: like sameValue, but within mappings only
 * the keys the file gives count (an additional VIP given by subnet alone has whatever address it was given).
 */
export function hasGivenValue(field: string, given: unknown, actual: unknown): boolean {
  if (Array.isArray(given) && Array.isArray(actual)) {
    return given.length === actual.length && given.every((item, i) => hasGivenValue(field, item, actual[i]));
  }
  if (isMapping(given) && isMapping(actual)) {
    return Object.entries(given).every(([key, value]) => value == null || hasGivenValue(key, value, actual[key]));
  }
  return sameValue(field, given, actual);
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
