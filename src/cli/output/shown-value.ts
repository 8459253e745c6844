/**
 * A field's value as weir's CLI shows it in every format: the API's lists of `{"id": ...}` links (a load
 * balancer's `listeners`, a pool's `members`) become lists of ids, as the OpenStack CLI shows them.
 */
export function shownValue(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const onlyIds = value.every(
    (item) => typeof item === 'object' && item !== null && Object.keys(item).length === 1 && 'id' in item,
  );
  return onlyIds ? value.map((item: { id: unknown }) => item.id) : value;
}
