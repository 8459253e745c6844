import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../config/config-error.ts';
import { readDesiredFile } from './desired-file.ts';

/** Every line of the refusal, or a failure when the file was taken. */
function refusal(text: string): string[] {
  try {
    readDesiredFile(text, 'web.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message.split('\n');
  }
  assert.fail('the file was taken');
}

test('a good file becomes trees: identities, labels, nesting, pool references and positions in the file', () => {
  const file = readDesiredFile(
    `loadbalancers:
  - name: web
    vip_subnet_id: local
    listeners:
      - protocol: HTTP
        protocol_port: 80
        default_pool: app
        l7policies:
          - action: REJECT
            rules:
              - { type: HEADER, key: X-Env, compare_type: EQUAL_TO, value: test, invert: true }
    pools:
      - name: app
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
        members:
          - { address: "::1", protocol_port: "8080" }
        healthmonitor: { type: TCP, delay: 1, timeout: 1, max_retries: 1 }
`,
    'web.yaml',
  );
  const [lb] = file.loadbalancers;
  assert.equal(lb!.label, 'web');
  const [pool, listener] = lb!.children;
  assert.equal(pool!.label, 'web/app');
  assert.deepEqual(
    pool!.children.map((c) => [c.kind, c.label]),
    [
      ['member', 'web/app/[::1]:8080'],
      ['healthmonitor', 'web/app'],
    ],
  );
  assert.equal(pool!.children[0]!.fields.protocol_port, 8080, 'converted as the API converts');
  assert.equal(listener!.label, 'web/HTTP:80');
  assert.equal(listener!.refs.get('default_pool_id'), pool, 'the reference is the pool node itself');
  assert.equal(listener!.fields.default_pool, undefined, 'references are not fields');
  const rule = listener!.children[0]!.children[0]!;
  assert.equal(rule.label, 'web/HTTP:80/1/HEADER X-Env NOT EQUAL_TO test');
  assert.deepEqual(rule.path, ['loadbalancers', 0, 'listeners', 0, 'l7policies', 0, 'rules', 0]);
  assert.equal(file.locate(rule.path!, 'why').where, 'web.yaml:11:17');
});

test('shape problems: unknown keys, wrong types and values, missing names, each at its line and column', () => {
  assert.deepEqual(
    refusal(`loadbalancers:
  - name: web
    vip_subnet_id: local
    colour: blue
    listeners:
      - protocol: HTTP
        protocol_port: 70000
    pools:
      - name: app
        protocol: HTTP
        lb_algorithm: FASTEST
        members:
          - { address: 10.0.0.1, protocol_port: 80, weight: heavy }
      - protocol: TCP
        lb_algorithm: ROUND_ROBIN
`),
    [
      'web.yaml:4:5: loadbalancers[0].colour: unknown key "colour"; expected one of: name, description, admin_state_up, vip_address, vip_subnet_id, vip_network_id, vip_qos_policy_id, additional_vips, provider, flavor_id, availability_zone, tags, listeners, pools',
      'web.yaml:7:24: loadbalancers[0].listeners[0].protocol_port: must be at most 65535, got the number 70000',
      'web.yaml:11:23: loadbalancers[0].pools[0].lb_algorithm: expected one of "ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT", got "FASTEST"',
      'web.yaml:13:61: loadbalancers[0].pools[0].members[0].weight: expected a whole number, got "heavy"',
      'web.yaml:14:9: loadbalancers[0].pools[1].name: required key "name" is missing',
    ],
  );
});

test('rules beyond the shape: duplicate identities, missing pools, combinations the API refuses', () => {
  assert.deepEqual(
    refusal(`loadbalancers:
  - name: web
    vip_subnet_id: local
    listeners:
      - protocol: HTTP
        protocol_port: 80
        default_pool: nosuch
        l7policies:
          - action: REJECT
            redirect_url: http://example.org/
          - action: REDIRECT_TO_POOL
      - protocol: TCP
        protocol_port: 80
        default_pool: udp
        insert_headers: { X-Forwarded-For: "true" }
    pools:
      - name: udp
        protocol: UDP
        lb_algorithm: ROUND_ROBIN
        members:
          - { address: 10.0.0.1, protocol_port: 80 }
          - { address: 10.0.0.1, protocol_port: "80" }
          - { address: not-an-address, protocol_port: 80 }
        healthmonitor: { type: TLS-HELLO, delay: 1, timeout: 1, max_retries: 1, url_path: / }
  - name: web
`),
    [
      'web.yaml:7:23: loadbalancers[0].listeners[0].default_pool: no pool named "nosuch" in this load balancer\'s pools ("udp")',
      'web.yaml:10:13: loadbalancers[0].listeners[0].l7policies[0].redirect_url: redirect_url is only for action REDIRECT_TO_URL',
      'web.yaml:11:13: loadbalancers[0].listeners[0].l7policies[1]: action REDIRECT_TO_POOL needs redirect_pool',
      'web.yaml:12:9: loadbalancers[0].listeners[1]: the same port and transport as loadbalancers[0].listeners[0] (TCP:80): each listener needs its own',
      'web.yaml:14:23: loadbalancers[0].listeners[1].default_pool: a TCP listener cannot use a UDP pool (it can: HTTP, HTTPS, PROXY, PROXYV2, TCP)',
      'web.yaml:15:27: loadbalancers[0].listeners[1].insert_headers.X-Forwarded-For: a TCP listener cannot insert "X-Forwarded-For" (it can: none)',
      'web.yaml:22:13: loadbalancers[0].pools[0].members[1]: the same address and protocol_port as loadbalancers[0].pools[0].members[0] (10.0.0.1:80): each member needs its own',
      'web.yaml:23:24: loadbalancers[0].pools[0].members[2].address: "not-an-address" is neither an IP address nor unix:/path/of/a/socket',
      'web.yaml:24:32: loadbalancers[0].pools[0].healthmonitor.type: a UDP pool cannot have a TLS-HELLO monitor (it can: HTTP, PING, TCP, UDP-CONNECT, SCTP)',
      'web.yaml:24:81: loadbalancers[0].pools[0].healthmonitor.url_path: url_path is only for HTTP and HTTPS monitors',
      'web.yaml:25:5: loadbalancers[1]: the same name as loadbalancers[0] (web): each load balancer needs its own',
      'web.yaml:25:5: loadbalancers[1]: one of vip_subnet_id and vip_network_id is required: where the VIP is',
    ],
  );
});

test('a REDIRECT_TO_POOL policy names a pool its listener could have as default pool, as the API checks', () => {
  assert.deepEqual(
    refusal(`loadbalancers:
  - name: web
    vip_subnet_id: local
    pools: [{ name: tcp, protocol: TCP, lb_algorithm: ROUND_ROBIN }]
    listeners:
      - { protocol: HTTP, protocol_port: 80, l7policies: [{ action: REDIRECT_TO_POOL, redirect_pool: tcp }] }
`),
    [
      'web.yaml:6:102: loadbalancers[0].listeners[0].l7policies[0].redirect_pool: a HTTP listener cannot use a TCP pool (it can: HTTP, PROXY, PROXYV2)',
    ],
  );
});

test('a syntax error, an empty file and a file without loadbalancers are refused, never read as "no load balancers"', () => {
  assert.deepEqual(refusal('loadbalancers:\n  - name: web\n    vip_subnet_id: [local\n'), [
    'web.yaml:4:1: (syntax): invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
  const empty = 'web.yaml: (top level): the file must be a mapping with a loadbalancers: list (an empty one: [])';
  assert.deepEqual(refusal(''), [empty]);
  assert.deepEqual(refusal('# nothing yet\n'), [empty]);
  assert.deepEqual(refusal('pools: []\n'), [
    'web.yaml:1:1: loadbalancers: required key "loadbalancers" is missing',
    'web.yaml:1:1: pools: unknown key "pools"; expected one of: loadbalancers',
  ]);
  assert.deepEqual(readDesiredFile('loadbalancers: []\n', 'web.yaml').loadbalancers, []);
});
