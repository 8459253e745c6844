import { badRequest } from '../faults.ts';

/** A PROMETHEUS listener serves metrics itself: Octavia refuses it a pool, a default pool and L7 policies. */
export function refuseChildrenOf(listenerProtocol: unknown): void {
  if (listenerProtocol === 'PROMETHEUS') {
    throw badRequest('Protocol PROMETHEUS listeners cannot have child objects.');
  }
}
