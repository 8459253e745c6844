import type { HeaderField } from '../../../protocols/http/head-field.ts';
import type { Stickiness } from './stickiness.ts';

const NONE: readonly string[] = Object.freeze([]);

/** A request head's Cookie fields as one value, as Node joins them; undefined without any. */
export function requestCookies(fields: readonly HeaderField[]): string | undefined {
  let joined: string | undefined;
  for (const field of fields) {
    if (field.name === 'cookie') joined = joined === undefined ? field.value : `${joined}; ${field.value}`;
  }
  return joined;
}

/** The Set-Cookie field value persistence adds to the member's answer, or null (the fast path's heads). */
export function answerCookie(
  stickiness: Stickiness,
  memberId: string,
  request: readonly HeaderField[],
  response: readonly HeaderField[],
): string | null {
  return cookieForAnswer(stickiness, memberId, requestCookies(request), response);
}

/** The same, for a request whose Cookie fields were joined already (`cookies`, as Node's `headers.cookie`). */
export function cookieForAnswer(
  stickiness: Stickiness,
  memberId: string,
  cookies: string | undefined,
  response: readonly HeaderField[],
): string | null {
  return stickiness.answered(memberId, cookies, stickiness.readsSetCookie ? setCookies(response) : NONE);
}

function setCookies(fields: readonly HeaderField[]): string[] {
  const values: string[] = [];
  for (const field of fields) if (field.name === 'set-cookie') values.push(field.value);
  return values;
}
