/** What every exchange with a member over the fast paths' pooled connections holds to, HTTP/1.1 and HTTP/2 alike. */

/** Limits of a head, as Node's own parser has them (16 KiB, and at most 2000 fields): requests and members' answers. */
export const HEAD_LIMITS = { maxHeadBytes: 16 * 1024, maxHeaders: 2000 };

/** Longest a pooled member connection idles: under the usual servers' keep-alive timeouts (Node's and Apache's 5 s). */
const MEMBER_IDLE_MS = 4_000;

/** How long a member connection may idle in its pool after an exchange: never longer than the listener's client timeout. */
export function pooledIdleMs(timeouts: { readonly clientDataMs: number }): number {
  return Math.min(timeouts.clientDataMs, MEMBER_IDLE_MS);
}

/** Requests repeated on a new connection when a pooled one fails before any answer (RFC 9110 section 9.2.1). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** No member tried yet: most requests find their first member reachable, and need no set of their own. */
export const NONE_TRIED: ReadonlySet<string> = new Set();
