import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json } from './harness.ts';

const MALFORMED: unknown[] = [
  [],
  [1, 2],
  [{}],
  null,
  0,
  42,
  -1,
  1.5,
  true,
  false,
  'string',
  '',
  {},
  { x: null },
  { loadbalancer: null },
  { listener: null },
  { pool: null },
  { member: null },
  { members: null },
  { members: {} },
  { members: [null] },
  { members: [1] },
  { members: 'x' },
  { healthmonitor: [] },
  { l7policy: 'x' },
  { rule: 1 },
  { quota: [] },
  { flavor: { name: { nested: [1, { deep: null }] } } },
  { loadbalancer: { vip_subnet_id: { $ne: null } } },
  { listener: { protocol_port: [80], protocol: { a: 1 }, loadbalancer_id: [] } },
  { pool: { session_persistence: [1], protocol: null, lb_algorithm: 7 } },
  { member: { address: ['10.0.0.1'], protocol_port: '80' } },
  { healthmonitor: { pool_id: null, type: 1, delay: 'x', timeout: {}, max_retries: [] } },
  { l7policy: { listener_id: 1, action: [], position: 'first' } },
  { rule: { type: null, compare_type: 1, value: { x: 1 }, key: [] } },
  { availability_zone: { name: 1, availability_zone_profile_id: [] } },
  { flavorprofile: { flavor_data: { a: 1 }, provider_name: 1 } },
  { loadbalancer: { tags: [{}], name: 1, admin_state_up: 'maybe' } },
];

describe('robustness', () => {
  let h: Harness;
  let lb: Json;
  let listener: Json;
  let pool: Json;
  let member: Json;
  let hm: Json;
  let policy: Json;
  let rule: Json;
  let flavor: Json;
  let profile: Json;

  before(async () => {
    h = await Harness.start();
    ({ lb, listener, pool, member, hm, policy, rule } = await h.createFullTree());
    profile = (
      await h.post('flavorprofiles', { flavorprofile: { name: 'fp', provider_name: 'noop', flavor_data: '{}' } })
    ).body.flavorprofile;
    flavor = (await h.post('flavors', { flavor: { name: 'f', flavor_profile_id: profile.id } })).body.flavor;
  });
  after(() => h.close());

  const snapshot = async () => {
    const out: Record<string, number> = {};
    for (const c of ['loadbalancers', 'listeners', 'pools', 'healthmonitors', 'l7policies']) {
      out[c] = (await h.get(c)).body[c].length;
    }
    out.members = (await h.get(`pools/${pool.id}/members`)).body.members.length;
    out.rules = (await h.get(`l7policies/${policy.id}/rules`)).body.rules.length;
    return out;
  };

  test('a failed create leaves nothing half-written and the load balancer ACTIVE', async () => {
    const before = await snapshot();
    const failures: [string, unknown][] = [
      ['listeners', { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80 } }],
      [
        'listeners',
        {
          listener: {
            loadbalancer_id: lb.id,
            protocol: 'TCP',
            protocol_port: 81,
            insert_headers: { 'X-Forwarded-For': 'true' },
          },
        },
      ],
      ['pools', { pool: { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }],
      [`pools/${pool.id}/members`, { member: { address: '10.0.0.5', protocol_port: 8080 } }],
      ['healthmonitors', { healthmonitor: { pool_id: pool.id, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 } }],
      ['l7policies', { l7policy: { listener_id: listener.id, action: 'REDIRECT_TO_URL' } }],
      [`l7policies/${policy.id}/rules`, { rule: { type: 'PATH', compare_type: 'REGEX', value: '[' } }],
    ];
    for (const [path, body] of failures) {
      const reply = await h.post(path, body);
      assert.ok(reply.status >= 400 && reply.status < 500, `${path}: ${reply.status} ${reply.text}`);
      const now = await h.get(`loadbalancers/${lb.id}`);
      assert.equal(now.body.loadbalancer.provisioning_status, 'ACTIVE', path);
    }
    const batch = await h.put(`pools/${pool.id}/members`, {
      members: [
        { address: '10.0.0.77', protocol_port: 80 },
        { address: 'abc', protocol_port: 80 },
      ],
    });
    assert.equal(batch.status, 400);
    assert.deepEqual(await snapshot(), before);
    assert.equal((await h.get(`listeners/${listener.id}`)).body.listener.provisioning_status, 'ACTIVE');
    assert.equal((await h.get(`pools/${pool.id}`)).body.pool.provisioning_status, 'ACTIVE');
  });

  test('a body over 1 MiB -> 413 with a faultstring', async () => {
    const reply = await h.post('loadbalancers', {
      loadbalancer: { vip_subnet_id: h.subnetId, description: 'x'.repeat(2 * 1024 * 1024) },
    });
    assertFault(reply, 413);
    assert.equal((await h.get('loadbalancers')).body.loadbalancers.length, 1);
  });

  test('never 5xx on malformed bodies against every POST and PUT endpoint', async () => {
    const endpoints: [string, string][] = [
      ['POST', 'loadbalancers'],
      ['PUT', `loadbalancers/${lb.id}`],
      ['POST', 'listeners'],
      ['PUT', `listeners/${listener.id}`],
      ['POST', 'pools'],
      ['PUT', `pools/${pool.id}`],
      ['POST', `pools/${pool.id}/members`],
      ['PUT', `pools/${pool.id}/members/${member.id}`],
      ['PUT', `pools/${pool.id}/members`],
      ['POST', 'healthmonitors'],
      ['PUT', `healthmonitors/${hm.id}`],
      ['POST', 'l7policies'],
      ['PUT', `l7policies/${policy.id}`],
      ['POST', `l7policies/${policy.id}/rules`],
      ['PUT', `l7policies/${policy.id}/rules/${rule.id}`],
      ['PUT', `quotas/${lb.project_id}`],
      ['POST', 'flavorprofiles'],
      ['PUT', `flavorprofiles/${profile.id}`],
      ['POST', 'flavors'],
      ['PUT', `flavors/${flavor.id}`],
      ['POST', 'availabilityzoneprofiles'],
      ['POST', 'availabilityzones'],
    ];
    const failures: string[] = [];
    for (const [method, path] of endpoints) {
      for (const body of MALFORMED) {
        const reply = await h.req(method, path, body);
        const ok = reply.status < 500 && reply.status >= 400 && typeof reply.body.faultstring === 'string';
        if (!ok) {
          failures.push(`${method} ${path} ${JSON.stringify(body)} -> ${reply.status} ${reply.text.slice(0, 160)}`);
        }
      }
      // Raw text that is not JSON, and an empty body.
      for (const raw of ['{', '[1,', 'nul', '{"a":}', '']) {
        const reply = await h.req(method, path, raw, { raw: true });
        if (!(reply.status >= 400 && reply.status < 500 && typeof reply.body.faultstring === 'string')) {
          failures.push(`${method} ${path} raw ${JSON.stringify(raw)} -> ${reply.status} ${reply.text.slice(0, 160)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    await h.idle();
  });
});
