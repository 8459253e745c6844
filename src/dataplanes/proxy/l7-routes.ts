import { L7Router } from '../../l7/l7-router.ts';
import type { L7PolicySpec } from '../../model/load-balancer-spec.ts';
import type { HttpListenerConfig } from './http-listener.ts';
import { poolForwarding } from './pool-forwarding.ts';
import type { PoolRuntime } from './pool-runtime.ts';
import { proxyPreamble } from './proxy-preamble.ts';

/**
 * A listener's L7 policies over the load balancer's pools: each request gets the configuration it is served with
 * (`listener`'s own, or one whose pool, and PROXY header, is the policy's pool) or an answer of the load balancer's
 * own. Null without policies, so a listener without them pays nothing per request. A pool that is disabled or gone
 * leaves its policies out, as the amphora does.
 */
export function l7Routes(
  policies: readonly L7PolicySpec[],
  pools: ReadonlyMap<string, PoolRuntime>,
  listener: HttpListenerConfig,
): L7Router<HttpListenerConfig> | null {
  if (policies.length === 0) return null;
  const routed = new Map<string, HttpListenerConfig>();
  const poolConfig = (poolId: string): HttpListenerConfig | null => {
    const pool = pools.get(poolId);
    if (pool === undefined || !pool.spec.adminStateUp) return null;
    let config = routed.get(poolId);
    if (config === undefined) {
      const forwarding = poolForwarding(listener.forwarding, pool);
      config = { ...listener, pool, forwarding, preamble: proxyPreamble(pool.spec.protocol), routes: null };
      routed.set(poolId, config);
    }
    return config;
  };
  return L7Router.compile(policies, poolConfig, listener);
}
