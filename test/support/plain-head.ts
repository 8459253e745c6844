import type { RequestHeadResult } from '../../src/protocols/http/request-head.ts';

/**
 * A parse verdict with its fields as plain name, value and range: a field reads its value from the buffer it was
 * parsed from, so two verdicts of the same bytes in two buffers compare equal only this way.
 */
export function plainVerdict(result: RequestHeadResult): unknown {
  if (result.kind !== 'head') return result;
  const fields = result.head.fields.map(({ name, value, start, end }) => ({ name, value, start, end }));
  return { ...result, head: { ...result.head, fields } };
}
