import type { FastifyInstance } from 'fastify';
import { loadTree } from '../../../store/load-balancer-tree.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { findVisible } from '../lookup.ts';
import { healthView, reconcileView } from './runtime-views.ts';

/**
 * weir's extensions to a load balancer's status (docs/dashboard.md): its members' health checks and transitions, and
 * its last reconciliation. Found and authorised as the status tree is (`loadbalancer:get_status`).
 */
export function runtimeRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const views = { health: healthView, reconcile: reconcileView };
  for (const [name, view] of Object.entries(views)) {
    app.get<{ Params: { id: string } }>(`/lbaas/loadbalancers/:id/${name}`, (request) =>
      deps.store.read(async (reader) => {
        const lb = await findVisible(reader, 'loadbalancer', request.params.id, request.context);
        return { [name]: view((await loadTree(reader, lb.id))!, deps.runtime) };
      }),
    );
  }
}
