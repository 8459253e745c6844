import { isStateless } from '../../model/stateless.ts';
import type { StoredObject } from '../../store/state-store.ts';
import { badRequest, notImplemented } from '../faults.ts';
import type { OctaviaApiDeps, ProviderInfo } from './deps.ts';

/** The provider a request names (canonical or alias), or the default; unknown names are Octavia's 400. */
export function resolveProvider(deps: OctaviaApiDeps, name: unknown): ProviderInfo {
  const wanted = typeof name === 'string' ? name : deps.defaultProvider;
  const provider = deps.providers.find((p) => p.name === wanted);
  if (!provider) {
    const reason = deps.unavailableProviders?.get(wanted);
    throw badRequest(`Provider '${wanted}' is not enabled.${reason ? ` ${reason}` : ''}`);
  }
  return provider;
}

/** Refuses, at once, what the provider's data plane cannot carry, with Octavia's 501 for unsupported options. */
export function requireSupport(provider: ProviderInfo, supported: boolean, option: string): void {
  if (!supported) {
    throw notImplemented(`Provider '${provider.name}' does not support a requested option: ${option}`);
  }
}

/**
 * The provider as one load balancer uses it: a stateless flavor takes away what needs connection state, so the same
 * capability checks refuse it, whichever provider and flavor made it so.
 */
export function forLoadBalancer(provider: ProviderInfo, lb: StoredObject): ProviderInfo {
  if (!isStateless(lb.flavor_data)) return provider;
  return {
    ...provider,
    capabilities: { ...provider.capabilities, memberDrain: false, listenerConnectionLimit: false },
  };
}
