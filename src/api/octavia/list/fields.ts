/**
 * Octavia's `?fields=` on lists and single GETs: only the named top-level attributes are kept. The parameter is
 * repeatable and not comma-separated (`fields=id,name` names one unknown field, so the object comes back empty);
 * no attribute is kept implicitly, unknown names are ignored, and the `tenant_id` alias never survives a selection.
 */
export function projectFields<T extends Record<string, unknown>>(
  object: T,
  fields: string | readonly string[] | undefined,
): Partial<T> {
  if (fields === undefined) return object;
  const selected = new Set(typeof fields === 'string' ? [fields] : fields);
  selected.delete('tenant_id');
  return Object.fromEntries(Object.entries(object).filter(([key]) => selected.has(key))) as Partial<T>;
}
