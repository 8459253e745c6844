import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json } from './harness.ts';

const UNSUPPORTED = "Provider 'noop' does not support a requested option: ";

describe('a stateless flavor', () => {
  let h: Harness;
  let profileId: string;
  let stateless: Json;
  let stateful: Json;

  before(async () => {
    h = await Harness.start();
    const profile = await h.post('flavorprofiles', {
      flavorprofile: { name: 'stateless', provider_name: 'noop', flavor_data: '{"stateless": true}' },
    });
    assert.equal(profile.status, 201, profile.text);
    profileId = profile.body.flavorprofile.id;
    const flavor = await h.post('flavors', { flavor: { name: 'stateless', flavor_profile_id: profileId } });
    assert.equal(flavor.status, 201, flavor.text);
    stateless = await h.createLb({ flavor_id: flavor.body.flavor.id });
    stateful = await h.createLb();
  });
  after(() => h.close());

  test('is listed by the providers that offer it, and takes only true or false', async () => {
    const capabilities = (await h.get('providers/noop/flavor_capabilities')).body.flavor_capabilities as Json[];
    assert.deepEqual(
      capabilities.map((c) => Object.keys(c).sort()),
      [['description', 'name']],
    );
    assert.equal(capabilities[0]!.name, 'stateless');
    assertFault(
      await h.post('flavorprofiles', {
        flavorprofile: { name: 'x', provider_name: 'noop', flavor_data: '{"stateless": "yes"}' },
      }),
      501,
      `Provider 'noop' does not support a requested option: stateless: "yes" is not one of [true, false]`,
    );
  });

  test('is kept with the load balancer, out of its API view', async () => {
    const shown = (await h.get(`loadbalancers/${stateless.id}`)).body.loadbalancer as Json;
    assert.equal(shown.flavor_id, stateless.flavor_id);
    assert.equal('flavor_data' in shown, false);
    assert.equal('flavor_data' in stateless, false);
  });

  test('refuses a connection_limit on its listeners, at creation and on update', async () => {
    assertFault(
      await h.post('listeners', {
        listener: { loadbalancer_id: stateless.id, protocol: 'TCP', protocol_port: 80, connection_limit: 10 },
      }),
      501,
      `${UNSUPPORTED}connection_limit (a stateless load balancer keeps no connection state to count connections by)`,
    );
    const listener = await h.createListener(stateless.id, { protocol: 'TCP', protocol_port: 81 });
    assertFault(
      await h.put(`listeners/${listener.id}`, { listener: { connection_limit: 5 } }),
      501,
      /connection_limit \(a stateless load balancer/,
    );
    assert.equal((await h.put(`listeners/${listener.id}`, { listener: { connection_limit: -1 } })).status, 200);
    await h.waitActive(stateless.id);
  });

  test('refuses weight 0 on its members, one by one and in a batch; a stateful load balancer drains', async () => {
    const pool = await h.createPool(stateless.id, { protocol: 'TCP' });
    const drain =
      `${UNSUPPORTED}weight 0 (draining keeps a member for its open connections, and this load balancer keeps no ` +
      'connection state)';
    assertFault(
      await h.post(`pools/${pool.id}/members`, { member: { address: '10.0.0.5', protocol_port: 80, weight: 0 } }),
      501,
      drain,
    );
    const member = await h.createMember(stateless.id, pool.id, { protocol_port: 80 });
    assertFault(await h.put(`pools/${pool.id}/members/${member.id}`, { member: { weight: 0 } }), 501, drain);
    assertFault(
      await h.put(`pools/${pool.id}/members`, { members: [{ address: '10.0.0.6', protocol_port: 80, weight: 0 }] }),
      501,
      drain,
    );
    assert.equal((await h.put(`pools/${pool.id}/members/${member.id}`, { member: { weight: 5 } })).status, 200);
    await h.waitActive(stateless.id);

    const statefulPool = await h.createPool(stateful.id, { protocol: 'TCP' });
    const drained = await h.createMember(stateful.id, statefulPool.id, { protocol_port: 80, weight: 0 });
    assert.equal(drained.weight, 0);
  });
});
