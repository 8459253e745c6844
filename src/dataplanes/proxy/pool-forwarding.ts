import type { ListenerForwarding } from '../../protocols/http/forwarding-headers.ts';
import type { PoolRuntime } from './pool-runtime.ts';

/**
 * A listener's forwarding rules for the requests it sends to `pool`: with the Cookie rewrite of the pool's
 * persistence (HTTP_COOKIE takes its own cookie out); the listener's own rules when there is none.
 */
export function poolForwarding(forwarding: ListenerForwarding, pool: PoolRuntime | null): ListenerForwarding {
  const cookieRewrite = pool?.stickiness?.cookieRewrite ?? null;
  return cookieRewrite === forwarding.cookieRewrite ? forwarding : Object.freeze({ ...forwarding, cookieRewrite });
}
