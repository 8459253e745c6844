import type { HeaderField } from '../../../protocols/http/head-field.ts';
import type { RequestHead } from '../../../protocols/http/request-head.ts';
import type { ResponseHead } from '../../../protocols/http/response-head.ts';
import { insertedCookieFields } from './inserted-cookie-fields.ts';
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

/**
 * The field lines persistence adds to the member's answer (`set-cookie: ...\r\n`, and what goes with it, see
 * insertedCookieFields), or null (the fast path's heads).
 */
export function answerCookie(
  stickiness: Stickiness,
  memberId: string,
  request: RequestHead,
  response: ResponseHead,
): string | null {
  return answerFieldLines(stickiness, memberId, requestCookies(request.fields), request.method, response);
}

/** The same, for a request whose Cookie fields were joined already (`cookies`, as Node's `headers.cookie`). */
export function answerFieldLines(
  stickiness: Stickiness,
  memberId: string,
  cookies: string | undefined,
  method: string,
  response: ResponseHead,
): string | null {
  const added = answerFields(stickiness, memberId, cookies, method, response);
  if (added === null) return null;
  let lines = '';
  for (let i = 0; i < added.length; i += 2) lines += `${added[i]}: ${added[i + 1]}\r\n`;
  return lines;
}

/** The same as fields (name, value, ...), for an answer that is not written as HTTP/1.1 (HTTP/2). */
export function answerFields(
  stickiness: Stickiness,
  memberId: string,
  cookies: string | undefined,
  method: string,
  response: ResponseHead,
): string[] | null {
  const setCookies = stickiness.readsSetCookie ? valuesOf(response.fields, 'set-cookie') : NONE;
  const cookie = stickiness.answered(memberId, cookies, setCookies);
  return cookie === null ? null : insertedCookieFields(cookie, method, response.status, response.fields);
}

function valuesOf(fields: readonly HeaderField[], name: string): string[] {
  const values: string[] = [];
  for (const field of fields) if (field.name === name) values.push(field.value);
  return values;
}
