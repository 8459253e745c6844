import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { type ApiMetrics, registerMetricsEndpoint, UNMATCHED_ROUTE } from './metrics-endpoint.ts';

/** Records what the endpoint reports, and serves a fixed exposition. */
class RecordingMetrics implements ApiMetrics {
  readonly answers: { method: string; route: string; code: number; seconds: number }[] = [];

  answered(method: string, route: string, code: number, seconds: number): void {
    this.answers.push({ method, route, code, seconds });
  }

  async exposition() {
    return { contentType: 'text/plain; version=0.0.4; charset=utf-8', text: 'weir_up 1\n' };
  }
}

test('every request is reported with its route pattern, never its URL, and /metrics serves the exposition', async () => {
  const metrics = new RecordingMetrics();
  const app = Fastify();
  registerMetricsEndpoint(app, metrics);
  app.register(
    async (v2) => {
      v2.get('/things/:thing_id', async (request) => ({ id: (request.params as { thing_id: string }).thing_id }));
      v2.delete('/things/:thing_id', async (_request, reply) => reply.code(409).send({ faultstring: 'busy' }));
    },
    { prefix: '/v2' },
  );

  const id = '7d1e4a52-0b6c-4f55-9a0f-3c2b1d0e9f88';
  assert.equal((await app.inject({ method: 'GET', url: `/v2/things/${id}?fields=id` })).statusCode, 200);
  assert.equal((await app.inject({ method: 'DELETE', url: `/v2/things/${id}` })).statusCode, 409);
  assert.equal((await app.inject({ method: 'GET', url: `/v2/nothing/${id}` })).statusCode, 404);
  const scrape = await app.inject({ method: 'GET', url: '/metrics' });
  await app.close();

  assert.equal(scrape.statusCode, 200);
  assert.equal(scrape.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(scrape.body, 'weir_up 1\n');
  assert.deepEqual(
    metrics.answers.map(({ method, route, code }) => [method, route, code]),
    [
      ['GET', '/v2/things/:thing_id', 200],
      ['DELETE', '/v2/things/:thing_id', 409],
      ['GET', UNMATCHED_ROUTE, 404],
      ['GET', '/metrics', 200],
    ],
  );
  assert.ok(metrics.answers.every((answer) => answer.seconds >= 0 && answer.seconds < 60));
});
