import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { subnetIdFor } from '../../../src/network/stable-id.ts';
import { assertFault, Harness, UNKNOWN_ID } from './harness.ts';

// Keys of a created load balancer, from capture 07-lb-create-min.json (Octavia 11).
const LB_KEYS = [
  'additional_vips',
  'admin_state_up',
  'availability_zone',
  'created_at',
  'description',
  'flavor_id',
  'id',
  'listeners',
  'name',
  'operating_status',
  'pools',
  'project_id',
  'provider',
  'provisioning_status',
  'tags',
  'tenant_id',
  'updated_at',
  'vip_address',
  'vip_network_id',
  'vip_port_id',
  'vip_qos_policy_id',
  'vip_subnet_id',
];

describe('load balancers', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
  });
  after(() => h.close());

  test('create answers 201 PENDING_CREATE with every field and Octavia defaults (capture 07)', async () => {
    const reply = await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId } });
    assert.equal(reply.status, 201);
    const lb = reply.body.loadbalancer;
    assert.deepEqual(Object.keys(lb).sort(), LB_KEYS);
    assert.equal(lb.provisioning_status, 'PENDING_CREATE');
    assert.equal(lb.operating_status, 'OFFLINE');
    assert.equal(lb.name, '');
    assert.equal(lb.description, '');
    assert.equal(lb.admin_state_up, true);
    assert.deepEqual(lb.listeners, []);
    assert.deepEqual(lb.pools, []);
    assert.deepEqual(lb.additional_vips, []);
    assert.deepEqual(lb.tags, []);
    assert.equal(lb.updated_at, null);
    assert.equal(lb.flavor_id, null);
    assert.equal(lb.availability_zone, null);
    assert.equal(lb.vip_qos_policy_id, null);
    assert.equal(lb.vip_subnet_id, h.subnetId);
    assert.equal(lb.tenant_id, lb.project_id);
    assert.match(lb.id, /^[0-9a-f-]{36}$/);
    assert.match(lb.vip_port_id, /^[0-9a-f-]{36}$/);
    assert.match(lb.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    const active = await h.waitActive(lb.id);
    assert.equal(active.provisioning_status, 'ACTIVE');
    assert.deepEqual(Object.keys(active).sort(), LB_KEYS);
  });

  test('get, list, update -> PENDING_UPDATE then ACTIVE', async () => {
    const lb = await h.createLb({ name: 'lb-get', description: 'd', tags: ['t1'] });
    const got = await h.get(`loadbalancers/${lb.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.loadbalancer.name, 'lb-get');
    assert.deepEqual(got.body.loadbalancer.tags, ['t1']);

    const list = await h.get('loadbalancers');
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body.loadbalancers));
    assert.ok(list.body.loadbalancers.some((x: { id: string }) => x.id === lb.id));
    assert.deepEqual(list.body.loadbalancers_links, []);

    const put = await h.put(`loadbalancers/${lb.id}`, { loadbalancer: { name: 'renamed', admin_state_up: false } });
    assert.equal(put.status, 200);
    assert.equal(put.body.loadbalancer.provisioning_status, 'PENDING_UPDATE');
    assert.equal(put.body.loadbalancer.name, 'renamed');
    assert.equal(put.body.loadbalancer.admin_state_up, false);
    assert.notEqual(put.body.loadbalancer.updated_at, null);
    const active = await h.waitActive(lb.id);
    assert.equal(active.name, 'renamed');
    assert.equal(active.provisioning_status, 'ACTIVE');
  });

  test('delete answers 204, then the load balancer is gone (404)', async () => {
    const lb = await h.createLb();
    const del = await h.del(`loadbalancers/${lb.id}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    await h.idle();
    assertFault(await h.get(`loadbalancers/${lb.id}`), 404, `Load Balancer ${lb.id} not found.`);
    assertFault(await h.del(`loadbalancers/${lb.id}`), 404, `Load Balancer ${lb.id} not found.`);
  });

  test('404 on unknown ids (captures 212-214)', async () => {
    const text = `Load Balancer ${UNKNOWN_ID} not found.`;
    assertFault(await h.get(`loadbalancers/${UNKNOWN_ID}`), 404, text);
    assertFault(await h.put(`loadbalancers/${UNKNOWN_ID}`, { loadbalancer: { name: 'x' } }), 404, text);
    assertFault(await h.del(`loadbalancers/${UNKNOWN_ID}`), 404, text);
    assertFault(await h.get(`loadbalancers/${UNKNOWN_ID}/status`), 404, text);
    assertFault(await h.get(`loadbalancers/${UNKNOWN_ID}/stats`), 404, text);
    assertFault(await h.put(`loadbalancers/${UNKNOWN_ID}/failover`), 404, text);
  });

  test('non-cascade delete with children -> 400 (capture 474); cascade removes everything', async () => {
    const { lb, listener, pool } = await h.createTree();
    const member = await h.createMember(lb.id, pool.id);
    const hm = await h.createHm(lb.id, pool.id);
    const policy = await h.createL7Policy(lb.id, listener.id);
    const rule = await h.createRule(lb.id, policy.id);

    assertFault(
      await h.del(`loadbalancers/${lb.id}`),
      400,
      `Validation failure: Cannot delete Load Balancer ${lb.id} - it has children`,
    );
    assert.equal((await h.get(`loadbalancers/${lb.id}`)).body.loadbalancer.provisioning_status, 'ACTIVE');

    const del = await h.del(`loadbalancers/${lb.id}?cascade=true`);
    assert.equal(del.status, 204);
    const right = await h.get(`loadbalancers/${lb.id}`);
    if (right.status === 200) assert.equal(right.body.loadbalancer.provisioning_status, 'PENDING_DELETE');
    await h.idle();
    assert.equal((await h.get(`loadbalancers/${lb.id}`)).status, 404);
    assert.equal((await h.get(`listeners/${listener.id}`)).status, 404);
    assert.equal((await h.get(`pools/${pool.id}`)).status, 404);
    assert.equal((await h.get(`pools/${pool.id}/members/${member.id}`)).status, 404);
    assert.equal((await h.get(`healthmonitors/${hm.id}`)).status, 404);
    assert.equal((await h.get(`l7policies/${policy.id}`)).status, 404);
    assert.equal((await h.get(`l7policies/${policy.id}/rules/${rule.id}`)).status, 404);
    for (const collection of ['listeners', 'pools', 'healthmonitors', 'l7policies']) {
      const list = await h.get(`${collection}?loadbalancer_id=${lb.id}`);
      if (list.status === 200) assert.deepEqual(list.body[collection], [], collection);
    }
  });

  test('status tree has the shape of capture 51', async () => {
    const { lb, listener, pool } = await h.createTree();
    const member = await h.createMember(lb.id, pool.id, { name: 'm1' });
    const hm = await h.createHm(lb.id, pool.id, { name: 'h1' });
    const reply = await h.get(`loadbalancers/${lb.id}/status`);
    assert.equal(reply.status, 200);
    const tree = reply.body.statuses.loadbalancer;
    assert.deepEqual(Object.keys(tree).sort(), ['id', 'listeners', 'name', 'operating_status', 'provisioning_status']);
    assert.equal(tree.id, lb.id);
    assert.equal(tree.provisioning_status, 'ACTIVE');
    const l = tree.listeners[0];
    assert.deepEqual(Object.keys(l).sort(), ['id', 'name', 'operating_status', 'pools', 'provisioning_status']);
    assert.equal(l.id, listener.id);
    const p = l.pools[0];
    assert.deepEqual(Object.keys(p).sort(), [
      'health_monitor',
      'id',
      'members',
      'name',
      'operating_status',
      'provisioning_status',
    ]);
    assert.equal(p.id, pool.id);
    assert.deepEqual(Object.keys(p.health_monitor).sort(), [
      'id',
      'name',
      'operating_status',
      'provisioning_status',
      'type',
    ]);
    assert.equal(p.health_monitor.id, hm.id);
    assert.equal(p.health_monitor.type, 'HTTP');
    const m = p.members[0];
    assert.deepEqual(Object.keys(m).sort(), [
      'address',
      'id',
      'name',
      'operating_status',
      'protocol_port',
      'provisioning_status',
    ]);
    assert.equal(m.id, member.id);
    assert.equal(m.address, '10.0.0.5');
    assert.equal(m.protocol_port, 8080);
  });

  test('stats answers the five counters (capture 52)', async () => {
    const lb = await h.createLb();
    const reply = await h.get(`loadbalancers/${lb.id}/stats`);
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.body.stats).sort(), [
      'active_connections',
      'bytes_in',
      'bytes_out',
      'request_errors',
      'total_connections',
    ]);
    for (const value of Object.values(reply.body.stats)) assert.equal(typeof value, 'number');
  });

  test('failover answers 202 with an empty body, then ACTIVE again (capture 362)', async () => {
    const lb = await h.createLb();
    const reply = await h.put(`loadbalancers/${lb.id}/failover`);
    assert.equal(reply.status, 202);
    assert.equal(reply.text, '');
    await h.waitActive(lb.id);
  });

  test('requested vip_address is honoured; taken -> 409; outside the subnet -> 400', async () => {
    const lb = await h.createLb({ vip_address: '127.0.100.200' });
    assert.equal(lb.vip_address, '127.0.100.200');
    const taken = await h.post('loadbalancers', {
      loadbalancer: { vip_subnet_id: h.subnetId, vip_address: '127.0.100.200' },
    });
    assertFault(taken, 409);
    const outside = await h.post('loadbalancers', {
      loadbalancer: { vip_subnet_id: h.subnetId, vip_address: '10.1.2.3' },
    });
    assertFault(outside, 400);
  });

  test('missing VIP -> 400 (capture 75)', async () => {
    assertFault(
      await h.post('loadbalancers', { loadbalancer: { name: 'x' } }),
      400,
      'Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.',
    );
  });

  test('unknown provider -> 400 (capture 81)', async () => {
    assertFault(
      await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId, provider: 'nope' } }),
      400,
      "Provider 'nope' is not enabled.",
    );
  });

  test('provider alias noop_driver is stored and echoed back as sent', async () => {
    const lb = await h.createLb({ provider: 'noop_driver' });
    assert.equal(lb.provider, 'noop_driver');
    const got = await h.get(`loadbalancers/${lb.id}`);
    assert.equal(got.body.loadbalancer.provider, 'noop_driver');
    assert.equal(got.body.loadbalancer.provisioning_status, 'ACTIVE');
  });

  test('field validation answers Octavia text (captures 73, 76, 77, 79, 274, 275)', async () => {
    assertFault(
      await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId, foo: 'bar' } }),
      400,
      'Unknown attribute for argument load_balancer.loadbalancer: foo',
    );
    assertFault(
      await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: 'abc' } }),
      400,
      "Invalid input for field/attribute vip_subnet_id. Value: 'abc'. Value should be UUID format",
    );
    assertFault(
      await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId, name: 'x'.repeat(256) } }),
      400,
      `Invalid input for field/attribute name. Value: '${'x'.repeat(256)}'. Value should have a maximum character requirement of 255`,
    );
    const lb = await h.createLb();
    assertFault(
      await h.put(`loadbalancers/${lb.id}`, { loadbalancer: { provider: 'noop' } }),
      400,
      'Unknown attribute for argument load_balancer.loadbalancer: provider',
    );
  });
});

test('an additional VIP never takes an address another load balancer holds on that subnet', async () => {
  const h = await Harness.start({
    yaml: [
      'subnets:',
      '  - {name: a, cidr: 127.0.0.0/8, allocation_pools: [{start: 127.0.120.1, end: 127.0.120.9}]}',
      '  - {name: c, cidr: 10.9.0.0/24, allocation_pools: [{start: 10.9.0.10, end: 10.9.0.12}]}',
    ].join('\n'),
  });
  try {
    const first = await h.createLb({ vip_subnet_id: subnetIdFor('c') });
    assert.equal(first.vip_address, '10.9.0.10');
    const second = await h.createLb({
      vip_subnet_id: subnetIdFor('a'),
      additional_vips: [{ subnet_id: subnetIdFor('c') }],
    });
    assert.deepEqual(
      second.additional_vips.map((v: { ip_address: string }) => v.ip_address),
      ['10.9.0.11'],
    );
  } finally {
    await h.close();
  }
});
