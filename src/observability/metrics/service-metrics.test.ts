import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrometheusText, sampleValue } from '../../../test/support/prometheus-text.ts';
import { ServiceMetrics } from './service-metrics.ts';

const scrape = async (metrics: ServiceMetrics) => parsePrometheusText((await metrics.exposition()).text);

test('what is reported shows in the exposition: counts, bucket placement, sums and label sets', async () => {
  const metrics = new ServiceMetrics({ drivers: ['noop', 'none'], processMetrics: false });
  const route = '/v2/lbaas/loadbalancers/:loadbalancer_id';
  metrics.answered('GET', route, 200, 0.003);
  metrics.answered('GET', route, 200, 0.02);
  metrics.answered('DELETE', route, 409, 0.001);
  metrics.reconciled('noop', 'applied', 0.004);
  metrics.reconciled('none', 'failed', 0.002);
  metrics.reconciled('none', 'failed', 0.002);
  metrics.revisions(12, 9);
  metrics.probed('TCP', true, 0.0003);
  metrics.probed('HTTP', false, 2);

  const families = await scrape(metrics);
  const get = { method: 'GET', route, code: '200' };
  assert.equal(sampleValue(families, 'weir_api_request_duration_seconds_count', get), 2);
  assert.equal(sampleValue(families, 'weir_api_request_duration_seconds_bucket', { ...get, le: '0.0025' }), 0);
  assert.equal(sampleValue(families, 'weir_api_request_duration_seconds_bucket', { ...get, le: '0.005' }), 1);
  assert.equal(sampleValue(families, 'weir_api_request_duration_seconds_bucket', { ...get, le: '0.025' }), 2);
  assert.ok(Math.abs(sampleValue(families, 'weir_api_request_duration_seconds_sum', get)! - 0.023) < 1e-9);
  const conflict = { method: 'DELETE', route, code: '409' };
  assert.equal(sampleValue(families, 'weir_api_request_duration_seconds_count', conflict), 1);

  const applied = { driver: 'noop', result: 'applied' };
  assert.equal(sampleValue(families, 'weir_reconcile_duration_seconds_count', applied), 1);
  assert.equal(sampleValue(families, 'weir_reconcile_duration_seconds_count', { driver: 'none', result: 'failed' }), 2);
  assert.equal(sampleValue(families, 'weir_reconcile_errors_total', { driver: 'noop' }), 0);
  assert.equal(sampleValue(families, 'weir_reconcile_errors_total', { driver: 'none' }), 2);
  assert.equal(sampleValue(families, 'weir_desired_revision'), 12);
  assert.equal(sampleValue(families, 'weir_applied_revision'), 9);

  const success = { type: 'TCP', result: 'success' };
  assert.equal(sampleValue(families, 'weir_health_check_duration_seconds_bucket', { ...success, le: '0.00025' }), 0);
  assert.equal(sampleValue(families, 'weir_health_check_duration_seconds_bucket', { ...success, le: '0.0005' }), 1);
  const failure = { type: 'HTTP', result: 'failure' };
  assert.equal(sampleValue(families, 'weir_health_check_duration_seconds_bucket', { ...failure, le: '1' }), 0);
  assert.equal(sampleValue(families, 'weir_health_check_duration_seconds_count', failure), 1);

  // Every series of weir's own families, and nothing else without process metrics.
  const labelSets = (name: string) =>
    new Set(families.get(name)?.samples.map(({ labels: { le, ...rest } }) => JSON.stringify(rest)));
  assert.deepEqual(
    [...families.keys()],
    [
      'weir_api_request_duration_seconds',
      'weir_reconcile_duration_seconds',
      'weir_reconcile_errors_total',
      'weir_desired_revision',
      'weir_applied_revision',
      'weir_health_check_duration_seconds',
    ],
  );
  assert.deepEqual(
    labelSets('weir_api_request_duration_seconds'),
    new Set([get, conflict].map((l) => JSON.stringify(l))),
  );
  assert.deepEqual(
    labelSets('weir_reconcile_duration_seconds'),
    new Set([applied, { driver: 'none', result: 'failed' }].map((l) => JSON.stringify(l))),
  );
  assert.deepEqual(
    labelSets('weir_health_check_duration_seconds'),
    new Set([success, failure].map((l) => JSON.stringify(l))),
  );
  for (const family of families.values()) {
    assert.match(family.name, /^weir_.*(_seconds|_total|_revision)$/);
    assert.ok((family.help ?? '').length > 40, `${family.name} says what it measures`);
  }
});

test('each instance has a registry of its own, with the process and Node.js metrics unless asked not to', async () => {
  const one = new ServiceMetrics();
  const other = new ServiceMetrics({ processMetrics: false });
  one.revisions(5, 5);
  one.answered('GET', '/', 200, 0.001);
  const first = await scrape(one);
  const second = await scrape(other);
  assert.equal(sampleValue(first, 'weir_desired_revision'), 5);
  assert.equal(sampleValue(second, 'weir_desired_revision'), 0);
  assert.equal(second.get('weir_api_request_duration_seconds')?.samples.length, 0);
  assert.equal(first.get('process_cpu_seconds_total')?.type, 'counter');
  assert.equal(first.get('process_resident_memory_bytes')?.type, 'gauge');
  assert.equal(first.get('nodejs_eventloop_lag_seconds')?.type, 'gauge');
  assert.equal(second.get('process_cpu_seconds_total'), undefined);
  assert.equal((await one.exposition()).contentType, 'text/plain; version=0.0.4; charset=utf-8');
});
