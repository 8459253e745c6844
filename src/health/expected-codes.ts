/** An inclusive range of HTTP status codes; a single code is a range of one. */
export type StatusRange = { first: number; last: number };

const CODE_LIST = /^\d{3}(\s*,\s*\d{3})*$/;
const CODE_RANGE = /^(\d{3})-(\d{3})$/;

/**
 * Parses Octavia's expected_codes: one code ("200"), a list ("200,202") or one range ("200-204"), the forms
 * Octavia's API accepts. Codes outside 100-599 and reversed ranges are rejected because no response could match.
 */
export function parseExpectedCodes(text: string): readonly StatusRange[] {
  const range = CODE_RANGE.exec(text);
  if (range) return [statusRange(text, Number(range[1]), Number(range[2]))];
  if (!CODE_LIST.test(text)) throw invalid(text, 'expected a code, a comma-separated list or a range like 200-204');
  return text.split(',').map((code) => statusRange(text, Number(code.trim()), Number(code.trim())));
}

export function isExpectedCode(ranges: readonly StatusRange[], status: number): boolean {
  return ranges.some((range) => status >= range.first && status <= range.last);
}

function statusRange(text: string, first: number, last: number): StatusRange {
  if (first < 100 || last > 599) throw invalid(text, 'HTTP status codes are 100-599');
  if (first > last) throw invalid(text, 'a range must not end before it starts');
  return { first, last };
}

function invalid(text: string, reason: string): RangeError {
  return new RangeError(`Invalid expected_codes '${text}': ${reason}`);
}
