import type { MonitorSpec } from '../monitor-spec.ts';

/** A monitor with test-sized intervals; each test overrides what it is about. */
export function monitorSpec(overrides: Partial<MonitorSpec> = {}): MonitorSpec {
  return {
    type: 'TCP',
    delay: 0.2,
    timeout: 0.5,
    maxRetries: 2,
    maxRetriesDown: 2,
    httpMethod: 'GET',
    urlPath: '/',
    expectedCodes: '200',
    httpVersion: 1.1,
    domainName: null,
    ...overrides,
  };
}
