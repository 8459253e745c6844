import type { PickContext } from '../../../balancing/balancer.ts';
import { requestCookie, setCookieValue } from './cookie-fields.ts';
import type { SharedStickTable } from './shared-stick-table.ts';
import type { Stickiness } from './stickiness.ts';

/** Characters of a cookie value kept as a key, as the amphora's `stick-table type string len 64`. */
const KEY_LENGTH = 64;

/**
 * APP_COOKIE: the value a member sets in cookie `name` is remembered as that member's (the amphora's `stick
 * store-response res.cook`), and requests carrying the value go to it (`stick match req.cook`).
 */
export class AppCookieStickiness implements Stickiness {
  readonly readsSetCookie = true;
  readonly cookieRewrite = null;

  constructor(
    private readonly table: SharedStickTable,
    private readonly name: string,
  ) {}

  stuck(_client: PickContext, cookies: string | undefined): string | undefined {
    const value = requestCookie(cookies, this.name);
    return value === undefined ? undefined : this.table.lookup(value.slice(0, KEY_LENGTH));
  }

  /**
   * A request whose member failed over takes its cookie to the new member. Values no member set are not stored (as
   * the amphora stores from answers only): a client sending made-up values cannot push others' out of the table.
   */
  stick(_client: PickContext, cookies: string | undefined, member: string, previous: string | undefined): void {
    const value = previous === undefined ? undefined : requestCookie(cookies, this.name);
    if (value !== undefined) this.table.stick(value.slice(0, KEY_LENGTH), member, previous);
  }

  answered(member: string, _cookies: string | undefined, setCookies: readonly string[]): null {
    for (const field of setCookies) {
      const value = setCookieValue(field, this.name)?.slice(0, KEY_LENGTH);
      if (value !== undefined && value !== '' && this.table.peek(value) !== member) {
        this.table.stick(value, member, undefined);
      }
    }
    return null;
  }

  retain(): void {}

  close(): void {
    this.table.close();
  }
}
