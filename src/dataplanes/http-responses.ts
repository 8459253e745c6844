/**
 * HTTP answers a listener gave, by status class, as HAProxy's `hrsp_1xx` .. `hrsp_5xx` and `hrsp_other` count them:
 * one array slot per class, incremented per answer, added up slot by slot over processes.
 */

/** The `code` label of each slot, in order. */
export const RESPONSE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;

export const emptyResponses = (): number[] => new Array<number>(RESPONSE_CLASSES.length).fill(0);

export function countResponse(responses: number[], status: number): void {
  const hundreds = (status / 100) | 0;
  responses[hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : 5]!++;
}

/** `more` added into `into`. */
export function addResponses(into: number[], more: readonly number[]): void {
  for (let i = 0; i < into.length; i++) into[i]! += more[i] ?? 0;
}
