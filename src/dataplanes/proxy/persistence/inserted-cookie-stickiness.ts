import type { PickContext } from '../../../balancing/balancer.ts';
import { requestCookie, withoutRequestCookie } from './cookie-fields.ts';
import { MEMBER_COOKIE_NAME, MemberCookies } from './member-cookie.ts';
import type { Stickiness } from './stickiness.ts';

/**
 * HTTP_COOKIE: weir inserts a cookie naming the member in the first answer, and in any answer from another member
 * than the cookie names (the client's was forged, or its member failed over). The cookie carries the member, so
 * nothing is shared between workers but the key. Members never see it, as behind the amphora's `indirect`.
 */
export class InsertedCookieStickiness implements Stickiness {
  readonly readsSetCookie = false;
  readonly cookieRewrite = (value: string): string | null => withoutRequestCookie(value, MEMBER_COOKIE_NAME);
  readonly #cookies: MemberCookies;

  constructor(key: Buffer, poolId: string) {
    this.#cookies = new MemberCookies(key, poolId);
  }

  stuck(_client: PickContext, cookies: string | undefined): string | undefined {
    return this.#memberOf(cookies);
  }

  stick(): void {}

  answered(member: string, cookies: string | undefined): string | null {
    if (this.#memberOf(cookies) === member) return null;
    return `${MEMBER_COOKIE_NAME}=${this.#cookies.valueFor(member)}; path=/`;
  }

  #memberOf(cookies: string | undefined): string | undefined {
    const value = requestCookie(cookies, MEMBER_COOKIE_NAME);
    return value === undefined ? undefined : this.#cookies.memberOf(value);
  }

  retain(memberIds: readonly string[]): void {
    this.#cookies.retain(memberIds);
  }

  close(): void {}
}
