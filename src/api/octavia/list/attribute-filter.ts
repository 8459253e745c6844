/** oslo's bool_from_string: these (trimmed, any case) are true, anything else is false. */
const TRUE_STRINGS = new Set(['1', 't', 'true', 'on', 'y', 'yes']);

/** A text SQLite turns into a number when compared with a numeric column ("numeric affinity"). */
const NUMERIC_LITERAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * Whether an attribute's value equals a filter's query-string text, as Octavia's SQL filter compares them:
 * - admin_state_up is the one attribute Octavia converts first (bool_from_string), so `no` or `xyz` mean false;
 * - other numbers and booleans (0/1 columns) match a numeric literal of the same value (`5`, `05`, `5.0`, `1` for
 *   true), while `true`/`false` match nothing;
 * - text matches exactly, case included; null matches nothing, not even an empty filter.
 */
export function matchesFilter(attribute: string, value: unknown, text: string): boolean {
  if (attribute === 'admin_state_up') return value === TRUE_STRINGS.has(text.trim().toLowerCase());
  if (typeof value === 'string') return value === text;
  if (typeof value === 'number' || typeof value === 'boolean') {
    return NUMERIC_LITERAL.test(text) && Number(text) === Number(value);
  }
  return false;
}
