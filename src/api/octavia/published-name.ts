/** A load balancer whose provider publishes its name: the name must be publishable and not published already. */
import { canonicalName, isWithin } from '../../dns/domain-name.ts';
import type { StoreReader } from '../../store/state-store.ts';
import { badRequest, conflict } from '../faults.ts';
import type { OctaviaApiDeps, ProviderInfo } from './deps.ts';

/**
 * Refuses a name the provider cannot publish for the project (400), one another load balancer publishes already, in
 * any project, until it is deleted, and one above or below another project's name, where that load balancer's SRV
 * owners and member host names are or would be (409, without saying whose it is).
 */
export async function checkPublishedName(
  reader: StoreReader,
  deps: OctaviaApiDeps,
  provider: ProviderInfo,
  lb: { id: string; name: unknown; projectId: string },
): Promise<void> {
  const publishing = provider.capabilities.publishesName;
  if (publishing === undefined) return;
  const name = typeof lb.name === 'string' ? lb.name : '';
  const problem = publishing.nameProblem(name, lb.projectId);
  if (problem !== undefined) throw badRequest(`Validation failure: ${problem}.`);
  const wanted = canonicalName(name);
  for (const other of await reader.list('loadbalancer')) {
    if (other.id === lb.id || !deps.providers.find((p) => p.name === other.provider)?.capabilities.publishesName) {
      continue;
    }
    const taken = canonicalName(String(other.name ?? ''));
    if (taken === wanted) throw conflict(`Name "${name}" is already published by another load balancer.`);
    // Below a load balancer's name lie its SRV owners and member host names: another project may not nest there.
    if (other.project_id !== lb.projectId && (isWithin(wanted, taken) || isWithin(taken, wanted))) {
      throw conflict(`Name "${name}" lies above or below a name another project publishes.`);
    }
  }
}
