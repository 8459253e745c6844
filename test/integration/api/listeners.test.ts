import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json, UNKNOWN_ID } from './harness.ts';

// The created listener from capture 15-listener-create-min.json (Octavia 11), minus ids and timestamps.
const LISTENER_DEFAULTS = {
  name: '',
  description: '',
  provisioning_status: 'PENDING_CREATE',
  operating_status: 'OFFLINE',
  admin_state_up: true,
  protocol: 'HTTP',
  protocol_port: 80,
  connection_limit: -1,
  default_tls_container_ref: null,
  sni_container_refs: [],
  default_pool_id: null,
  l7policies: [],
  insert_headers: {},
  updated_at: null,
  timeout_client_data: 50000,
  timeout_member_connect: 5000,
  timeout_member_data: 50000,
  timeout_tcp_inspect: 0,
  tags: [],
  client_ca_tls_container_ref: null,
  client_authentication: 'NONE',
  client_crl_container_ref: null,
  allowed_cidrs: null,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
};
const LISTENER_KEYS = [
  ...Object.keys(LISTENER_DEFAULTS),
  'id',
  'project_id',
  'created_at',
  'loadbalancers',
  'tenant_id',
];

describe('listeners', () => {
  let h: Harness;
  let lb: Json;
  const post = (listener: Json) => h.post('listeners', { listener: { loadbalancer_id: lb.id, ...listener } });

  before(async () => {
    h = await Harness.start();
    lb = await h.createLb();
    await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 80 });
  });
  after(() => h.close());

  test('create answers 201 with the defaults of capture 15', async () => {
    const other = await h.createLb();
    const reply = await h.post('listeners', {
      listener: { loadbalancer_id: other.id, protocol: 'HTTP', protocol_port: 80 },
    });
    assert.equal(reply.status, 201);
    const listener = reply.body.listener;
    assert.deepEqual(Object.keys(listener).sort(), [...LISTENER_KEYS].sort());
    for (const [key, value] of Object.entries(LISTENER_DEFAULTS)) assert.deepEqual(listener[key], value, key);
    assert.deepEqual(listener.loadbalancers, [{ id: other.id }]);
    assert.equal(listener.tenant_id, listener.project_id);
    // Octavia answers PENDING_UPDATE here (capture 16); weir's reconciler may already have settled it.
    const lbNow = await h.get(`loadbalancers/${other.id}`);
    assert.ok(['PENDING_UPDATE', 'ACTIVE'].includes(lbNow.body.loadbalancer.provisioning_status));
    await h.waitActive(other.id);
    const got = await h.get(`listeners/${listener.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.listener.provisioning_status, 'ACTIVE');
    const lbAfter = await h.get(`loadbalancers/${other.id}`);
    assert.deepEqual(lbAfter.body.loadbalancer.listeners, [{ id: listener.id }]);
  });

  test('duplicate protocol and port -> 409 (capture 101)', async () => {
    assertFault(
      await post({ protocol: 'HTTP', protocol_port: 80 }),
      409,
      'Another Listener on this Load Balancer is already using protocol HTTP and protocol_port 80',
    );
  });

  test('TCP beside HTTP on the same port -> 409 (capture 102)', async () => {
    assertFault(
      await post({ protocol: 'TCP', protocol_port: 80 }),
      409,
      'Another Listener on this Load Balancer is already using protocol HTTP and protocol_port 80',
    );
  });

  test('UDP beside HTTP on the same port is accepted (capture 103)', async () => {
    const reply = await post({ protocol: 'UDP', protocol_port: 80 });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.body.listener.protocol, 'UDP');
    await h.waitActive(lb.id);
  });

  test('insert_headers on TCP / UDP -> 400 (captures 104, 118)', async () => {
    assertFault(
      await post({ protocol: 'TCP', protocol_port: 86, insert_headers: { 'X-Forwarded-For': 'true' } }),
      400,
      'insert-headers is not a valid option for a TCP protocol listener.',
    );
    assertFault(
      await post({ protocol: 'UDP', protocol_port: 96, insert_headers: { 'X-Forwarded-For': 'true' } }),
      400,
      'insert-headers is not a valid option for a UDP protocol listener.',
    );
  });

  test('unknown insert header -> 400 (capture 105)', async () => {
    assertFault(
      await post({ protocol: 'HTTP', protocol_port: 82, insert_headers: { 'X-Bogus': 'true' } }),
      400,
      "dict_keys(['X-Bogus']) is not a valid option for insert_headers",
    );
  });

  test('TERMINATED_HTTPS without a certificate -> 400 (capture 107)', async () => {
    assertFault(
      await post({ protocol: 'TERMINATED_HTTPS', protocol_port: 443 }),
      400,
      'Validation failure: An SNI or default certificate container reference must be provided for TERMINATED_HTTPS protocol listeners.',
    );
  });

  test('TERMINATED_TLS needs a certificate too, and takes no HTTP headers', async () => {
    assertFault(
      await post({ protocol: 'TERMINATED_TLS', protocol_port: 444 }),
      400,
      'Validation failure: An SNI or default certificate container reference must be provided for TERMINATED_TLS protocol listeners.',
    );
    const ref = 'http://127.0.0.1/v1/containers/0f0e8bb1-5b1c-4bf4-8bd9-6b1c1e1b0d63';
    assertFault(
      await post({
        protocol: 'TERMINATED_TLS',
        protocol_port: 444,
        default_tls_container_ref: ref,
        insert_headers: { 'X-SSL-Client-CN': 'true' },
      }),
      400,
      'insert-headers is not a valid option for a TERMINATED_TLS protocol listener.',
    );
  });

  test('a TLS-terminating listener gets the TLS defaults Octavia gives; bad versions and ALPN names -> 400', async () => {
    const ref = await h.storeCertificate();
    const base = { protocol: 'TERMINATED_HTTPS', protocol_port: 445, default_tls_container_ref: ref };
    assertFault(
      await post({ ...base, tls_versions: ['TLSv1.2', 'TLSv9'] }),
      400,
      'Validation failure: Invalid TLS versions: TLSv9',
    );
    assertFault(
      await post({ ...base, alpn_protocols: ['spdy/3'] }),
      400,
      'Validation failure: Invalid ALPN protocol: spdy/3',
    );
    const created = await post(base);
    assert.equal(created.status, 201);
    const listener = created.body.listener;
    assert.deepEqual(listener.tls_versions, ['TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(listener.alpn_protocols, ['h2', 'http/1.1', 'http/1.0']);
    assert.match(listener.tls_ciphers, /^TLS_AES_128_GCM_SHA256:.*:ECDHE-ECDSA-AES128-GCM-SHA256:/);
    await h.waitActive(lb.id);
    const relay = await post({ ...base, protocol: 'TERMINATED_TLS', protocol_port: 446 });
    assert.equal(relay.status, 201);
    assert.equal(relay.body.listener.alpn_protocols, null);
    await h.waitActive(lb.id);
  });

  test('null TLS fields mean the defaults: on create, and on update whatever the protocol (as Octavia 11)', async () => {
    const ref = await h.storeCertificate();
    const tlsNulls = { tls_versions: null, tls_ciphers: null, alpn_protocols: null };
    const created = await post({
      protocol: 'TERMINATED_HTTPS',
      protocol_port: 448,
      default_tls_container_ref: ref,
      ...tlsNulls,
    });
    assert.equal(created.status, 201, created.text);
    const defaults = created.body.listener;
    assert.deepEqual(defaults.tls_versions, ['TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(defaults.alpn_protocols, ['h2', 'http/1.1', 'http/1.0']);
    assert.match(defaults.tls_ciphers, /^TLS_AES_128_GCM_SHA256:/);
    await h.waitActive(lb.id);
    const tightened = await h.put(`listeners/${defaults.id}`, {
      listener: { tls_versions: ['TLSv1.3'], tls_ciphers: 'TLS_AES_256_GCM_SHA384', alpn_protocols: ['http/1.1'] },
    });
    assert.equal(tightened.status, 200, tightened.text);
    await h.waitActive(lb.id);
    const restored = await h.put(`listeners/${defaults.id}`, { listener: tlsNulls });
    assert.equal(restored.status, 200, restored.text);
    await h.waitActive(lb.id);
    const stored = (await h.get(`listeners/${defaults.id}`)).body.listener;
    for (const key of Object.keys(tlsNulls)) assert.deepEqual(stored[key], defaults[key], key);

    // TERMINATED_TLS offers no ALPN by default, so a null puts none back.
    const relay = await post({
      protocol: 'TERMINATED_TLS',
      protocol_port: 449,
      default_tls_container_ref: ref,
      alpn_protocols: ['h2'],
    });
    assert.equal(relay.status, 201, relay.text);
    await h.waitActive(lb.id);
    const unset = await h.put(`listeners/${relay.body.listener.id}`, { listener: { alpn_protocols: null } });
    assert.equal(unset.body.listener.alpn_protocols, null);
    await h.waitActive(lb.id);

    // A plain listener keeps null on create, but an update's null stores Octavia's defaults, as Octavia does.
    const plain = await post({ protocol: 'HTTP', protocol_port: 8448, ...tlsNulls });
    assert.equal(plain.status, 201, plain.text);
    assert.deepEqual([plain.body.listener.tls_versions, plain.body.listener.alpn_protocols], [null, null]);
    await h.waitActive(lb.id);
    const reset = await h.put(`listeners/${plain.body.listener.id}`, { listener: tlsNulls });
    assert.equal(reset.status, 200, reset.text);
    for (const key of Object.keys(tlsNulls)) assert.deepEqual(reset.body.listener[key], defaults[key], key);
    await h.waitActive(lb.id);
  });

  test('a PROMETHEUS listener takes no pool, default pool or L7 policy (400, as Octavia)', async () => {
    const metrics = await post({ protocol: 'PROMETHEUS', protocol_port: 9100 });
    assert.equal(metrics.status, 201, metrics.text);
    await h.waitActive(lb.id);
    const fault = 'Protocol PROMETHEUS listeners cannot have child objects.';
    assertFault(
      await h.post('pools', {
        pool: { listener_id: metrics.body.listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
      }),
      400,
      fault,
    );
    assertFault(
      await h.post('l7policies', { l7policy: { listener_id: metrics.body.listener.id, action: 'REJECT' } }),
      400,
      fault,
    );
    const pool = await h.createPool(lb.id);
    assertFault(await post({ protocol: 'PROMETHEUS', protocol_port: 9101, default_pool_id: pool.id }), 400, fault);
  });

  test('the proxy provider refuses SSLv3, which its TLS library lacks', async () => {
    const proxied = await h.createLb({ provider: 'proxy', admin_state_up: false });
    const ref = 'http://127.0.0.1/v1/containers/0f0e8bb1-5b1c-4bf4-8bd9-6b1c1e1b0d63';
    assertFault(
      await h.post('listeners', {
        listener: {
          loadbalancer_id: proxied.id,
          protocol: 'TERMINATED_TLS',
          protocol_port: 447,
          default_tls_container_ref: ref,
          tls_versions: ['SSLv3', 'TLSv1.2'],
        },
      }),
      501,
      "Provider 'proxy' does not support a requested option: tls_versions SSLv3",
    );
  });

  test('out of range values -> 400 with Octavia text (captures 86-88, 92, 100, 108)', async () => {
    const cases: [Json, string][] = [
      [
        { protocol: 'HTTP', protocol_port: 0 },
        "Invalid input for field/attribute protocol_port. Value: '0'. Value should be greater or equal to 1",
      ],
      [
        { protocol: 'HTTP', protocol_port: 70000 },
        "Invalid input for field/attribute protocol_port. Value: '70000'. Value should be lower or equal to 65535",
      ],
      [
        { protocol: 'HTTP', protocol_port: 65536 },
        "Invalid input for field/attribute protocol_port. Value: '65536'. Value should be lower or equal to 65535",
      ],
      [
        { protocol: 'HTTP', protocol_port: 82, connection_limit: -2 },
        "Invalid input for field/attribute connection_limit. Value: '-2'. Value should be greater or equal to -1",
      ],
      [
        { protocol: 'HTTP', protocol_port: 82, timeout_client_data: -1 },
        "Invalid input for field/attribute timeout_client_data. Value: '-1'. Value should be greater or equal to 0",
      ],
      [
        { protocol: 'HTTP', protocol_port: 82, name: 'n'.repeat(256) },
        `Invalid input for field/attribute name. Value: '${'n'.repeat(256)}'. Value should have a maximum character requirement of 255`,
      ],
    ];
    for (const [body, text] of cases) assertFault(await post(body), 400, text);
  });

  // Octavia lists the allowed values in Python set order, which varies between processes: compare them as a set.
  test('unknown protocol -> 400 listing the allowed values (captures 93, 94)', async () => {
    for (const protocol of ['FOO', 'http']) {
      const reply = await post({ protocol, protocol_port: 82 });
      const prefix = `Invalid input for field/attribute protocol. Value: '${protocol}'. Value should be one of: `;
      assertFault(reply, 400);
      assert.ok(reply.body.faultstring.startsWith(prefix), reply.body.faultstring);
      const values = reply.body.faultstring.slice(prefix.length).split(', ').sort();
      // TERMINATED_TLS is weir's extension; the rest are Octavia's.
      const expected = ['HTTP', 'HTTPS', 'PROMETHEUS', 'SCTP', 'TCP', 'TERMINATED_HTTPS', 'TERMINATED_TLS', 'UDP'];
      assert.deepEqual(values, expected);
    }
  });

  test('missing fields -> 400 Mandatory field missing (captures 95-97)', async () => {
    assertFault(
      await post({ protocol: 'HTTP' }),
      400,
      "Invalid input for field/attribute protocol_port. Value: 'None'. Mandatory field missing.",
    );
    assertFault(
      await post({ protocol_port: 82 }),
      400,
      "Invalid input for field/attribute protocol. Value: 'None'. Mandatory field missing.",
    );
    assertFault(
      await h.post('listeners', { listener: { protocol: 'HTTP', protocol_port: 82 } }),
      400,
      "Invalid input for field/attribute loadbalancer_id. Value: 'None'. Mandatory field missing.",
    );
  });

  test('bad and unknown load balancer ids (captures 98, 99)', async () => {
    assertFault(
      await h.post('listeners', { listener: { loadbalancer_id: 'abc', protocol: 'HTTP', protocol_port: 82 } }),
      400,
      "Invalid input for field/attribute loadbalancer_id. Value: 'abc'. Value should be UUID format",
    );
    assertFault(
      await h.post('listeners', { listener: { loadbalancer_id: UNKNOWN_ID, protocol: 'HTTP', protocol_port: 82 } }),
      404,
      `Load Balancer ${UNKNOWN_ID} not found.`,
    );
  });

  test('unknown field -> 400 (capture 74)', async () => {
    assertFault(
      await post({ protocol: 'HTTP', protocol_port: 82, bogus: 1 }),
      400,
      'Unknown attribute for argument listener_.listener: bogus',
    );
  });

  test('bad JSON -> 400 (capture 65)', async () => {
    const reply = await h.req('POST', 'listeners', '{not json', { raw: true });
    assertFault(reply, 400, 'Request is not in valid JSON format');
  });

  test('wrong content type -> 415 (capture 72)', async () => {
    const reply = await h.req('POST', 'listeners', JSON.stringify({ listener: {} }), {
      raw: true,
      contentType: 'text/plain',
    });
    assertFault(reply, 415, 'Unknown mimetype: text/plain');
  });

  test('PUT of immutable fields -> 400 (captures 269-272)', async () => {
    const listener = await h.createListener(lb.id, { protocol_port: 8081 });
    assertFault(
      await h.put(`listeners/${listener.id}`, { listener: { protocol: 'TCP' } }),
      400,
      'Unknown attribute for argument listener_.listener: protocol',
    );
    assertFault(
      await h.put(`listeners/${listener.id}`, { listener: { bogus: 1 } }),
      400,
      'Unknown attribute for argument listener_.listener: bogus',
    );
    const update = await h.put(`listeners/${listener.id}`, { listener: { name: 'x', connection_limit: null } });
    assert.equal(update.status, 200, update.text);
    assert.equal(update.body.listener.provisioning_status, 'PENDING_UPDATE');
    assert.equal(update.body.listener.connection_limit, -1);
    await h.waitActive(lb.id);
  });

  // Octavia's WSME layer coerces these values (captures 85, 89, 91): all three answer 201.
  const coerced: [string, Json, number, string][] = [
    ['numeric string port "83" is taken as 83 (capture 85)', { protocol_port: '83' }, 83, 'numeric string'],
    ['float port 84.5 is truncated to 84 (capture 89)', { protocol_port: 84.5 }, 84, 'float'],
    [
      'admin_state_up "true" is taken as true (capture 91)',
      { protocol_port: 85, admin_state_up: 'true' },
      85,
      'string',
    ],
  ];
  for (const [name, body, port, _kind] of coerced) {
    test(name, async () => {
      const reply = await post({ protocol: 'HTTP', ...body });
      assert.equal(reply.status, 201, reply.text);
      assert.equal(reply.body.listener.protocol_port, port);
      assert.equal(reply.body.listener.admin_state_up, true);
      await h.waitActive(lb.id);
    });
  }
});
