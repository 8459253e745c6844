import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json } from './harness.ts';

// Octavia locks a load balancer's whole tree while it is PENDING_*: captures 298-316.
describe('provisioning state machine', () => {
  let h: Harness;
  let lb: Json;
  let listener: Json;
  let pool: Json;
  let member: Json;
  let hm: Json;
  let policy: Json;
  let rule: Json;

  before(async () => {
    h = await Harness.start();
    ({ lb, listener, pool, member, hm, policy, rule } = await h.createFullTree());
    // Nothing settles from here on: every PENDING state stays put, so the windows are deterministic.
    await h.server.reconciler.stop();
  });
  after(() => h.close());

  const immutable = () => `Load Balancer ${lb.id} is immutable and cannot be updated.`;
  const invalidState = (status: string) => `Invalid state ${status} of loadbalancer resource ${lb.id}`;

  test('PUT on an ACTIVE load balancer answers 200 PENDING_UPDATE (capture 299)', async () => {
    const reply = await h.put(`loadbalancers/${lb.id}`, { loadbalancer: { name: 'a' } });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.loadbalancer.provisioning_status, 'PENDING_UPDATE');
  });

  test('PUT, DELETE, cascade DELETE and failover on a PENDING_UPDATE load balancer -> 409 (captures 298, 304, 308)', async () => {
    assertFault(
      await h.put(`loadbalancers/${lb.id}`, { loadbalancer: { name: 'b' } }),
      409,
      invalidState('PENDING_UPDATE'),
    );
    assertFault(await h.del(`loadbalancers/${lb.id}`), 409, invalidState('PENDING_UPDATE'));
    assertFault(await h.del(`loadbalancers/${lb.id}?cascade=true`), 409, invalidState('PENDING_UPDATE'));
    assertFault(await h.put(`loadbalancers/${lb.id}/failover`), 409, invalidState('PENDING_UPDATE'));
  });

  test('GET still works while PENDING_UPDATE (capture 315)', async () => {
    const reply = await h.get(`loadbalancers/${lb.id}`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.loadbalancer.provisioning_status, 'PENDING_UPDATE');
    assert.equal(reply.body.loadbalancer.name, 'a');
  });

  test('every child write while the load balancer is PENDING_UPDATE -> 409 immutable (captures 300, 306, 311, 313, 316)', async () => {
    const writes: [string, () => Promise<{ status: number; body: Json; text: string }>][] = [
      [
        'create listener',
        () => h.post('listeners', { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 99 } }),
      ],
      ['update listener', () => h.put(`listeners/${listener.id}`, { listener: { name: 'z' } })],
      ['delete listener', () => h.del(`listeners/${listener.id}`)],
      [
        'create pool',
        () => h.post('pools', { pool: { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }),
      ],
      ['update pool', () => h.put(`pools/${pool.id}`, { pool: { name: 'pp' } })],
      ['delete pool', () => h.del(`pools/${pool.id}`)],
      [
        'create member',
        () => h.post(`pools/${pool.id}/members`, { member: { address: '10.0.0.99', protocol_port: 80 } }),
      ],
      ['update member', () => h.put(`pools/${pool.id}/members/${member.id}`, { member: { weight: 7 } })],
      ['delete member', () => h.del(`pools/${pool.id}/members/${member.id}`)],
      ['batch members', () => h.put(`pools/${pool.id}/members`, { members: [] })],
      ['update monitor', () => h.put(`healthmonitors/${hm.id}`, { healthmonitor: { delay: 6 } })],
      ['delete monitor', () => h.del(`healthmonitors/${hm.id}`)],
      ['create policy', () => h.post('l7policies', { l7policy: { listener_id: listener.id, action: 'REJECT' } })],
      ['update policy', () => h.put(`l7policies/${policy.id}`, { l7policy: { name: 'x' } })],
      ['delete policy', () => h.del(`l7policies/${policy.id}`)],
      [
        'create rule',
        () =>
          h.post(`l7policies/${policy.id}/rules`, { rule: { type: 'PATH', compare_type: 'EQUAL_TO', value: '/q' } }),
      ],
      ['update rule', () => h.put(`l7policies/${policy.id}/rules/${rule.id}`, { rule: { value: '/r' } })],
      ['delete rule', () => h.del(`l7policies/${policy.id}/rules/${rule.id}`)],
    ];
    for (const [what, write] of writes) {
      const reply = await write();
      assert.equal(reply.status, 409, `${what}: ${reply.text}`);
      assert.equal(reply.body.faultstring, immutable(), what);
    }
    // Nothing was changed by the refused writes.
    assert.equal((await h.get(`listeners/${listener.id}`)).body.listener.provisioning_status, 'ACTIVE');
    assert.equal((await h.get(`pools/${pool.id}/members/${member.id}`)).body.member.weight, 1);
    const listeners = await h.get(`listeners?loadbalancer_id=${lb.id}`);
    assert.equal(listeners.body.listeners.length, 1);
  });

  test('a load balancer still PENDING_CREATE refuses PUT and child creates', async () => {
    const created = await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId } });
    assert.equal(created.status, 201);
    const id = created.body.loadbalancer.id;
    assertFault(
      await h.put(`loadbalancers/${id}`, { loadbalancer: { name: 'n' } }),
      409,
      `Invalid state PENDING_CREATE of loadbalancer resource ${id}`,
    );
    assertFault(
      await h.post('listeners', { listener: { loadbalancer_id: id, protocol: 'HTTP', protocol_port: 80 } }),
      409,
      `Load Balancer ${id} is immutable and cannot be updated.`,
    );
  });
});

describe('provisioning state machine, back to back without waiting', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
  });
  after(() => h.close());

  test('a child create right after a load balancer PUT, then a second PUT -> 409', async () => {
    const lb = await h.createLb();
    const [put, child, second] = await Promise.all([
      h.put(`loadbalancers/${lb.id}`, { loadbalancer: { name: 'a' } }),
      h.post('listeners', { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80 } }),
      h.put(`loadbalancers/${lb.id}`, { loadbalancer: { name: 'b' } }),
    ]);
    // weir's reconciler settles within milliseconds, so the window may close between these requests (the
    // deterministic checks above stop the reconciler); each reply must still be a success or Octavia's 409.
    const replies = [put, child, second];
    for (const reply of replies) {
      if (reply.status < 300) continue;
      assert.equal(reply.status, 409, reply.text);
      assert.ok(
        [
          `Load Balancer ${lb.id} is immutable and cannot be updated.`,
          `Invalid state PENDING_UPDATE of loadbalancer resource ${lb.id}`,
        ].includes(reply.body.faultstring),
        reply.body.faultstring,
      );
    }
    await h.waitActive(lb.id);
    const listeners = await h.get(`listeners?loadbalancer_id=${lb.id}`);
    assert.equal(listeners.body.listeners.length, child.status === 201 ? 1 : 0);
  });
});
