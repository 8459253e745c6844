import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.ts';
import { registerDashboard } from '../dashboard/dashboard-routes.ts';
import type { Subnet } from '../network/subnet.ts';
import type { ApiTls } from '../server/api-tls.ts';
import { registerAuditTrail } from './audit-trail.ts';
import { type Authenticate, registerAuthentication } from './auth/authentication.ts';
import { AuthError } from './auth/keystone/keystone-identity.ts';
import { BarbicanFault } from './barbican/barbican-fault.ts';
import { keyManagerRoutes } from './barbican/barbican-routes.ts';
import { Fault } from './faults.ts';
import { type ApiMetrics, registerMetricsEndpoint } from './metrics-endpoint.ts';
import { neutronRoutes } from './neutron/neutron-routes.ts';
import type { OctaviaApiDeps } from './octavia/deps.ts';
import { amphoraRoutes } from './octavia/v2/amphorae.ts';
import { catalogRoutes } from './octavia/v2/catalog-resource.ts';
import {
  availabilityZoneProfiles,
  availabilityZones,
  flavorProfiles,
  flavors,
} from './octavia/v2/flavors-and-zones.ts';
import { healthmonitorRoutes } from './octavia/v2/healthmonitors.ts';
import { l7policyRoutes } from './octavia/v2/l7policies.ts';
import { l7ruleRoutes } from './octavia/v2/l7rules.ts';
import { listenerRoutes } from './octavia/v2/listeners.ts';
import { loadbalancerRoutes } from './octavia/v2/loadbalancers.ts';
import { memberRoutes } from './octavia/v2/members.ts';
import { poolRoutes } from './octavia/v2/pools.ts';
import { providerRoutes } from './octavia/v2/providers.ts';
import { quotaRoutes } from './octavia/v2/quotas.ts';
import { runtimeRoutes } from './octavia/v2/runtime-routes.ts';
import type { Policy } from './policy/policy.ts';
import { isOctaviaRoute, routeAction } from './policy/route-actions.ts';
import { versionRoutes } from './versions.ts';

export interface ApiOptions extends OctaviaApiDeps {
  subnets: readonly Subnet[];
  defaultProjectId: string;
  authenticate: Authenticate;
  policy: Policy;
  maxBodyBytes: number;
  logger?: boolean;
  /** Where every API write is recorded; none in tests that do not look at it. */
  audit?: AuditLog;
  /** Serve HTTPS with this certificate; plain HTTP without. */
  https?: ApiTls;
  /** Where requests are counted and timed, and what GET /metrics serves; no /metrics without. */
  metrics?: ApiMetrics;
}

/**
 * The HTTP API: Octavia v2 under /v2 and /v2.0, Barbican's secrets and containers under /v1, the Neutron look-ups
 * clients make, versions, health, the dashboard
 * page and, when given metrics, /metrics.
 */
export function buildApi(options: ApiOptions): FastifyInstance {
  const app = Fastify({
    https: options.https ?? null,
    bodyLimit: options.maxBodyBytes,
    logger: options.logger ? { level: 'info' } : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  });
  if (options.audit) registerAuditTrail(app, options.audit, options.store);
  if (options.metrics) registerMetricsEndpoint(app, options.metrics);
  registerAuthentication(app, options.authenticate, options.policy);
  // Fail closed at start-up: an Octavia route nobody gave a policy action would otherwise be refused to everyone.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD' && isOctaviaRoute(route.url) && !routeAction(method, route.url)) {
        throw new Error(`route ${method} ${route.url} has no policy action`);
      }
    }
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new Fault(400, 'Request is not in valid JSON format'), undefined);
    }
  });
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(new Fault(415, `Unknown mimetype: ${request.headers['content-type']}`), undefined);
  });

  app.setErrorHandler((error: FastifyError | Fault, request, reply) => {
    if (error instanceof Fault || error instanceof BarbicanFault) return reply.code(error.status).send(error.body);
    if (error instanceof AuthError) {
      if (error.status === 401) reply.header('www-authenticate', `Keystone uri="${error.authUrl}"`);
      return reply.code(error.status).send(error.body);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(new Fault(413, `Request body is larger than ${options.maxBodyBytes} bytes.`).body);
    }
    if (typeof error.statusCode === 'number' && error.statusCode < 500) {
      return reply.code(error.statusCode).send(new Fault(error.statusCode, error.message).body);
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(new Fault(500, 'Internal Server Error').body);
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(new Fault(404, 'The resource could not be found.').body);
  });

  versionRoutes(app);
  for (const prefix of ['/v2', '/v2.0']) {
    app.register(
      async (v2) => {
        loadbalancerRoutes(v2, options);
        runtimeRoutes(v2, options);
        listenerRoutes(v2, options);
        poolRoutes(v2, options);
        memberRoutes(v2, options);
        healthmonitorRoutes(v2, options);
        l7policyRoutes(v2, options);
        l7ruleRoutes(v2, options);
        quotaRoutes(v2, options);
        providerRoutes(v2, options);
        for (const resource of [flavorProfiles, flavors, availabilityZoneProfiles, availabilityZones]) {
          catalogRoutes(v2, options, resource);
        }
        amphoraRoutes(v2, options);
      },
      { prefix },
    );
  }
  keyManagerRoutes(app, options.store, options.vault);
  neutronRoutes(app, options.store, options.subnets, options.defaultProjectId);
  registerDashboard(app);
  return app;
}
