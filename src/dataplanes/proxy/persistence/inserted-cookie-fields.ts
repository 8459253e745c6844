import type { NamedValue } from '../../../protocols/http/head-field.ts';

/** Methods whose answers HAProxy 2.6 takes as cacheable unless they say otherwise: the safe ones (RFC 7231 §4.2.1). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/** Statuses cacheable by default (RFC 7231 §6.1): others only when an answer says `public`. */
const CACHEABLE_STATUSES = new Set([200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501]);
/** Cache-Control elements after which HAProxy takes an answer as not cacheable, until a `public`. */
const UNCACHEABLE = new Set(['private', 'no-cache', 'no-store', 'max-age=0', 's-maxage=0']);

/**
 * The fields (name, value, ...) that go with a cookie weir inserts in an answer, as the amphora's `cookie SRV insert
 * indirect nocache` adds them: Set-Cookie, and `Cache-Control: private` when the answer is one a cache could keep, so
 * that no shared cache gives one client's cookie to all (`nocache`). `response`: the member's fields, names in any case.
 */
export function insertedCookieFields(
  cookie: string,
  method: string,
  status: number,
  response: readonly NamedValue[],
): string[] {
  return cacheable(method, status, response)
    ? ['set-cookie', cookie, 'cache-control', 'private']
    : ['set-cookie', cookie];
}

/**
 * Whether HAProxy 2.6 takes the answer as cacheable (http_check_response_for_cacheability, and the status check
 * before it), as HAProxy 2.6.12 was seen to decide it: a safe method and a status cacheable by default (RFC 7231
 * §6.1); not with `Pragma: no-cache` as its first Pragma field; then each Cache-Control element in order, `public`
 * making it cacheable and UNCACHEABLE ones not; and in the end only with freshness (`max-age`, `s-maxage`, Expires) or
 * a validator (ETag, Last-Modified), as RFC 7234 §3 has a cache keep nothing else.
 */
function cacheable(method: string, status: number, response: readonly NamedValue[]): boolean {
  if (status < 200) return false;
  let answer = SAFE_METHODS.has(method) && CACHEABLE_STATUSES.has(status);
  let pragmaSeen = false;
  let kept = false;
  for (const field of response) {
    const name = field.name.toLowerCase();
    if (name === 'pragma' && !pragmaSeen) {
      pragmaSeen = true;
      if (field.value.trim().toLowerCase() === 'no-cache') return false;
    } else if (name === 'cache-control') {
      for (const element of field.value.split(',')) {
        const directive = element.trim().toLowerCase();
        if (directive === 'public') answer = true;
        else if (UNCACHEABLE.has(directive)) answer = false;
        else if (directive.startsWith('max-age') || directive.startsWith('s-maxage')) kept = true;
      }
    } else if (name === 'expires' || name === 'etag' || name === 'last-modified') kept = true;
  }
  return answer && kept;
}
