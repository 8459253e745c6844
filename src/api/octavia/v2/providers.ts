import type { FastifyInstance } from 'fastify';
import { requestUrl } from '../collection.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { applyListQuery, type Query } from '../list-query.ts';
import { resolveProvider } from '../providers.ts';

export function providerRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  app.get('/lbaas/providers', (request) => {
    const providers = deps.providers.map(({ name, description }) => ({ name, description }));
    const { items, links } = applyListQuery(providers, request.query as Query, { baseUrl: requestUrl(request) });
    return { providers: items, providers_links: links };
  });

  app.get<{ Params: { provider: string } }>('/lbaas/providers/:provider/flavor_capabilities', (request) => ({
    flavor_capabilities: resolveProvider(deps, request.params.provider).capabilities.flavorCapabilities.map(
      ({ name, description }) => ({ name, description }),
    ),
  }));

  app.get<{ Params: { provider: string } }>('/lbaas/providers/:provider/availability_zone_capabilities', (request) => ({
    availability_zone_capabilities: resolveProvider(deps, request.params.provider).capabilities
      .availabilityZoneCapabilities,
  }));
}
