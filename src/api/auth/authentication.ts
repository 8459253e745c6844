import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DASHBOARD_ROUTES } from '../../dashboard/dashboard-routes.ts';
import { forbidden } from '../faults.ts';
import type { Policy } from '../policy/policy.ts';
import { CALLER_SCOPED_RESOURCES, routeAction } from '../policy/route-actions.ts';
import type { Identity, RequestContext } from '../request-context.ts';

/** Establishes who is calling, or throws (401, 503) before any handler runs. */
export type Authenticate = (request: FastifyRequest) => Promise<Identity>;

/**
 * Routes anyone may call: version discovery (Octavia's, and the key manager's at /v1, as Barbican's) and the load
 * balancers' own health check, as in Octavia, weir's metrics, which carry no tenant data (metrics-endpoint.ts), and
 * the dashboard's files, which read the API with the caller's own token.
 */
const PUBLIC_ROUTES = new Set<string>(['/', '/v1', '/healthcheck', '/metrics', ...DASHBOARD_ROUTES]);

const ANONYMOUS: Identity = {
  projectId: null,
  userId: null,
  userName: null,
  roles: [],
  systemScope: null,
  isAdmin: false,
};

/**
 * Every request gets a RequestContext: the caller's identity and the policy decision for the route's action. Routes
 * acting on global catalogue entries (flavors, providers, amphorae...) are decided here, against the caller's own
 * project as Octavia does; routes on project objects are decided where the object's project is known.
 */
export function registerAuthentication(app: FastifyInstance, authenticate: Authenticate, policy: Policy): void {
  app.decorateRequest('context', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    const identity = url !== undefined && PUBLIC_ROUTES.has(url) ? ANONYMOUS : await authenticate(request);
    request.context = contextFor(identity, policy, routeAction(request.method, url) ?? null);
  });
  app.addHook('preHandler', async (request) => {
    const resource = request.context.action?.split(':')[0];
    if (resource !== undefined && CALLER_SCOPED_RESOURCES.has(resource)) {
      request.context.authorize(request.context.projectId);
    }
  });
}

export function contextFor(caller: Identity, policy: Policy, action: string | null): RequestContext {
  const identity = { ...caller, isAdmin: caller.isAdmin || policy.isAdmin(caller) };
  return {
    ...identity,
    action,
    allows: (other, projectId) => policy.allows(other, identity, projectId),
    authorize(projectId) {
      if (action === null || !policy.allows(action, identity, projectId)) throw forbidden();
    },
  };
}
