import { createHmac } from 'node:crypto';

/** The cookie weir inserts for HTTP_COOKIE persistence: the name the amphora's HAProxy uses. */
export const MEMBER_COOKIE_NAME = 'SRV';

/**
 * HTTP_COOKIE persistence's cookie values for one pool: an HMAC-SHA256 of the pool and member ids under weir's key,
 * 128 bits in base64url. A value names a member only through this table, so a client cannot make one up for a
 * member of its choosing, and an altered value names none and is balanced as if it were absent. The values
 * depend on the key alone: every worker, and weir after a restart, reads the same cookie the same way.
 */
export class MemberCookies {
  readonly #members = new Map<string, string>();
  readonly #values = new Map<string, string>();

  constructor(
    private readonly key: Buffer,
    private readonly poolId: string,
  ) {}

  /** The value for `memberId`, computed once per member. */
  valueFor(memberId: string): string {
    let value = this.#values.get(memberId);
    if (value === undefined) {
      value = createHmac('sha256', this.key)
        .update(`${this.poolId}\n${memberId}`)
        .digest()
        .subarray(0, 16)
        .toString('base64url');
      this.#values.set(memberId, value);
      this.#members.set(value, memberId);
    }
    return value;
  }

  /** The members the pool has now: values of members removed are forgotten. */
  retain(memberIds: Iterable<string>): void {
    this.#values.clear();
    this.#members.clear();
    for (const id of memberIds) this.valueFor(id);
  }

  /** The member a cookie value names, or undefined for any value weir did not make for this pool. */
  memberOf(value: string): string | undefined {
    return this.#members.get(value);
  }
}
