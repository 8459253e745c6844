import type { FastifyInstance } from 'fastify';

/** The route of requests no route matched: their URL may hold ids, and would let clients mint label values. */
export const UNMATCHED_ROUTE = 'unmatched';

/** What the API needs of the service's metrics: somewhere to count its requests, and the text GET /metrics serves. */
export interface ApiMetrics {
  /**
   * One request answered. `route` is the pattern it matched (`/v2/lbaas/pools/:pool_id`), never its URL. Called on
   * every request, so it must be cheap and must not throw.
   */
  answered(method: string, route: string, code: number, seconds: number): void;
  exposition(): Promise<{ contentType: string; text: string }>;
}

/**
 * Times every request, from its arrival to the last byte of its answer, and serves GET /metrics. The route is
 * public (authentication.ts): the metrics name no project, object or user.
 */
export function registerMetricsEndpoint(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.answered(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.exposition();
    return reply.type(contentType).send(text);
  });
}
