import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fault } from './faults.ts';
import { HealthMonitorCreate } from './octavia/schemas/healthmonitor.ts';
import { ListenerCreate } from './octavia/schemas/listener.ts';
import { LoadBalancerCreate } from './octavia/schemas/loadbalancer.ts';
import { parseWrapped } from './validation.ts';

const LB = '8e7d3213-8704-42a3-9d43-01141f01eb42';

/** Each case: a body and the faultstring the real Octavia 11 answered it with. */
const cases: [string, Parameters<typeof parseWrapped>[0], unknown, string, string, string][] = [
  [
    'port below range',
    ListenerCreate,
    { listener: { loadbalancer_id: LB, protocol: 'HTTP', protocol_port: 0 } },
    'listener',
    'listener_',
    "Invalid input for field/attribute protocol_port. Value: '0'. Value should be greater or equal to 1",
  ],
  [
    'port above range',
    ListenerCreate,
    { listener: { loadbalancer_id: LB, protocol: 'HTTP', protocol_port: 70000 } },
    'listener',
    'listener_',
    "Invalid input for field/attribute protocol_port. Value: '70000'. Value should be lower or equal to 65535",
  ],
  [
    'missing field',
    ListenerCreate,
    { listener: { loadbalancer_id: LB, protocol: 'HTTP' } },
    'listener',
    'listener_',
    "Invalid input for field/attribute protocol_port. Value: 'None'. Mandatory field missing.",
  ],
  [
    'unknown field',
    ListenerCreate,
    { listener: { loadbalancer_id: LB, protocol: 'HTTP', protocol_port: 80, bogus: 1 } },
    'listener',
    'listener_',
    'Unknown attribute for argument listener_.listener: bogus',
  ],
  [
    'connection limit',
    ListenerCreate,
    { listener: { loadbalancer_id: LB, protocol: 'HTTP', protocol_port: 80, connection_limit: -2 } },
    'listener',
    'listener_',
    "Invalid input for field/attribute connection_limit. Value: '-2'. Value should be greater or equal to -1",
  ],
  [
    'not a UUID',
    ListenerCreate,
    { listener: { loadbalancer_id: 'abc', protocol: 'HTTP', protocol_port: 80 } },
    'listener',
    'listener_',
    "Invalid input for field/attribute loadbalancer_id. Value: 'abc'. Value should be UUID format",
  ],
  ['empty body', LoadBalancerCreate, {}, 'loadbalancer', 'load_balancer', 'Missing argument: "load_balancer"'],
  [
    'body without its wrapper',
    LoadBalancerCreate,
    { vip_subnet_id: LB },
    'loadbalancer',
    'load_balancer',
    'Unknown attribute for argument load_balancer: vip_subnet_id',
  ],
  [
    'url path',
    HealthMonitorCreate,
    { healthmonitor: { pool_id: LB, type: 'HTTP', delay: 1, timeout: 1, max_retries: 1, url_path: 'abc' } },
    'healthmonitor',
    'health_monitor_',
    "Invalid input for field/attribute url_path. Value: 'abc'. Value must be a valid URL Path string",
  ],
  [
    'expected codes',
    HealthMonitorCreate,
    { healthmonitor: { pool_id: LB, type: 'HTTP', delay: 1, timeout: 1, max_retries: 1, expected_codes: 'abc' } },
    'healthmonitor',
    'health_monitor_',
    "Invalid input for field/attribute expected_codes. Value: 'abc'. Value should match the pattern ^(\\d{3}(\\s*,\\s*\\d{3})*)$|^(\\d{3}-\\d{3})$",
  ],
];

for (const [name, schema, body, wrapper, argument, faultstring] of cases) {
  test(`validation words ${name} as Octavia does`, () => {
    assert.throws(
      () => parseWrapped(schema, body, wrapper, argument),
      (error: unknown) => error instanceof Fault && error.status === 400 && error.message === faultstring,
    );
  });
}

test('a valid body is unwrapped unchanged', () => {
  const listener = { loadbalancer_id: LB, protocol: 'HTTP', protocol_port: 80 };
  assert.deepEqual(parseWrapped(ListenerCreate, { listener }, 'listener', 'listener_'), listener);
});
