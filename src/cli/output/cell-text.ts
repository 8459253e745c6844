/**
 * A value as text in a table cell or in `-f value` output, the way the OpenStack CLI prints it: Python's None,
 * True and False; list items one per line; objects as sorted `key=value` lines.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return value.map(cellText).join('\n');
  if (typeof value === 'object') {
    return Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${key}=${cellText(item)}`)
      .join('\n');
  }
  return String(value);
}
