import type { PickContext } from '../../../balancing/balancer.ts';
import { isDatagramProtocol } from '../../../model/compatibility.ts';
import type { PoolSpec } from '../../../model/load-balancer-spec.ts';
import { AppCookieStickiness } from './app-cookie-stickiness.ts';
import { InsertedCookieStickiness } from './inserted-cookie-stickiness.ts';
import { SharedStickTable } from './shared-stick-table.ts';
import { SourceIpStickiness } from './source-ip-stickiness.ts';
import type { PersistenceContext } from './stick-sync.ts';

/** Entries per pool and process, as the amphora's stick tables hold (Octavia's haproxy_stick_size, 10k). */
export const STICK_CAPACITY = 10_000;
/** An entry of an HTTP or TCP pool unused this long is forgotten; the amphora's have no expiry, only eviction. */
export const STREAM_STICK_IDLE_MS = 30 * 60_000;
/** UDP pools without persistence_timeout: the amphora's default (keepalived's persistence_timeout 360). */
export const DATAGRAM_STICK_IDLE_S = 360;

/**
 * One pool's session persistence: which member a client or request is stuck to, and what sticks it. The pool
 * checks that the member can still serve, and otherwise balances and calls `stick` with the member it picked.
 */
export interface Stickiness {
  /** Whether `answered` reads the member's Set-Cookie fields (APP_COOKIE); callers collect them only then. */
  readonly readsSetCookie: boolean;
  /**
   * A request's Cookie field as members get it, weir's own cookie taken out (HTTP_COOKIE, as the amphora's
   * `indirect`): see ListenerForwarding.cookieRewrite; null when members get the Cookie fields as they came.
   */
  readonly cookieRewrite: ((value: string) => string | null) | null;
  /** The member id the client (`cookies`: its request's Cookie fields, for HTTP) is stuck to, if any. */
  stuck(client: PickContext, cookies: string | undefined): string | undefined;
  /** `member` now serves the client, which was stuck to `previous` (undefined: to none). */
  stick(client: PickContext, cookies: string | undefined, member: string, previous: string | undefined): void;
  /** A Set-Cookie field value the answer from `member` gets, or null; learns from the member's `setCookies`. */
  answered(member: string, cookies: string | undefined, setCookies: readonly string[]): string | null;
  /** The pool's members now. */
  retain(memberIds: readonly string[]): void;
  close(): void;
}

/** The pool's persistence, or null without one. */
export function stickinessFor(spec: PoolSpec, context: PersistenceContext): Stickiness | null {
  const persistence = spec.sessionPersistence;
  if (persistence === null) return null;
  const datagram = isDatagramProtocol(spec.protocol);
  // One process carries a UDP listener: its table is not shared.
  const table = (idleMs: number) =>
    new SharedStickTable(spec.id, STICK_CAPACITY, idleMs, datagram ? null : context.sync);
  switch (persistence.type) {
    case 'SOURCE_IP':
      return new SourceIpStickiness(
        table(datagram ? (persistence.timeoutSeconds ?? DATAGRAM_STICK_IDLE_S) * 1_000 : STREAM_STICK_IDLE_MS),
        persistence.granularity,
      );
    case 'HTTP_COOKIE':
      return new InsertedCookieStickiness(context.cookieKey, spec.id);
    case 'APP_COOKIE':
      return new AppCookieStickiness(table(STREAM_STICK_IDLE_MS), persistence.cookieName ?? '');
  }
}

/** Whether a pool's persistence is another now, so its stickiness is built anew rather than kept. */
export function samePersistence(a: PoolSpec['sessionPersistence'], b: PoolSpec['sessionPersistence']): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.type === b.type &&
    a.cookieName === b.cookieName &&
    a.timeoutSeconds === b.timeoutSeconds &&
    a.granularity === b.granularity
  );
}
