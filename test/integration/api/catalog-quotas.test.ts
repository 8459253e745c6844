import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json } from './harness.ts';

const PROJECT = 'fedcba9876543210fedcba9876543210';
const QUOTA_KEYS = ['health_monitor', 'l7policy', 'l7rule', 'listener', 'load_balancer', 'member', 'pool'];

describe('quotas, providers, flavors, availability zones, amphorae, versions, Neutron', () => {
  let h: Harness;
  const asProject = (method: string, path: string, body?: unknown) =>
    h.req(method, path, body, { headers: { 'x-project-id': PROJECT } });

  before(async () => {
    h = await Harness.start();
  });
  after(() => h.close());

  describe('quotas (captures 370-392, 505-507)', () => {
    test('defaults list every resource', async () => {
      const reply = await h.get('quotas/defaults');
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body.quota).sort(), QUOTA_KEYS);
      for (const value of Object.values(reply.body.quota)) assert.equal(typeof value, 'number');
    });

    test('PUT answers 202 and GET shows the new value', async () => {
      const put = await h.put(`quotas/${PROJECT}`, { quota: { load_balancer: 1 } });
      assert.equal(put.status, 202, put.text);
      assert.equal(put.body.quota.load_balancer, 1);
      const got = await h.get(`quotas/${PROJECT}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.quota.load_balancer, 1);
    });

    test('bad value and unknown key -> 400 (captures 377, 378)', async () => {
      assertFault(
        await h.put(`quotas/${PROJECT}`, { quota: { load_balancer: -2 } }),
        400,
        "Invalid input for field/attribute load_balancer. Value: '-2'. Value should be greater or equal to -1",
      );
      assertFault(
        await h.put(`quotas/${PROJECT}`, { quota: { foo: 1 } }),
        400,
        'Unknown attribute for argument quotas.quota: foo',
      );
    });

    test('quota load_balancer 1: the second create -> 403 (capture 507)', async () => {
      const first = await asProject('POST', 'loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId } });
      assert.equal(first.status, 201, first.text);
      assert.equal(first.body.loadbalancer.project_id, PROJECT);
      const second = await asProject('POST', 'loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId } });
      assertFault(second, 403, 'Quota has been met for resources: Load Balancer');
      await h.waitActive(first.body.loadbalancer.id);
      const list = await asProject('GET', `loadbalancers?project_id=${PROJECT}`);
      assert.equal(list.body.loadbalancers.length, 1);
    });

    test('quota listener 0 -> 403 for a listener (capture 509)', async () => {
      const put = await h.put(`quotas/${PROJECT}`, { quota: { listener: 0 } });
      assert.equal(put.status, 202);
      const lbs = await asProject('GET', `loadbalancers?project_id=${PROJECT}`);
      const lbId = lbs.body.loadbalancers[0].id;
      assertFault(
        await asProject('POST', 'listeners', {
          listener: { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 81 },
        }),
        403,
        'Quota has been met for resources: Listener',
      );
    });

    test('DELETE resets to the defaults', async () => {
      const del = await h.del(`quotas/${PROJECT}`);
      assert.equal(del.status, 202);
      const got = await h.get(`quotas/${PROJECT}`);
      const defaults = await h.get('quotas/defaults');
      assert.equal(got.body.quota.load_balancer, defaults.body.quota.load_balancer);
    });
  });

  test('providers list proxy first, with its aliases amphora and octavia, then noop and noop_driver, then nat and dsr', async () => {
    const reply = await h.get('providers');
    assert.equal(reply.status, 200);
    const names = reply.body.providers.map((p: Json) => p.name);
    assert.deepEqual(names, ['proxy', 'amphora', 'octavia', 'noop', 'noop_driver', 'nat', 'dsr']);
    for (const p of reply.body.providers) assert.deepEqual(Object.keys(p).sort(), ['description', 'name']);
    assertFault(await h.get('providers/nope/flavor_capabilities'), 400, "Provider 'nope' is not enabled.");
    assertFault(await h.get('providers/nope/availability_zone_capabilities'), 400, "Provider 'nope' is not enabled.");
    assert.equal((await h.get('providers/noop_driver/flavor_capabilities')).status, 200);
  });

  test('flavor profiles and flavors: CRUD and in-use 409s (captures 401-428)', async () => {
    const fp = await h.post('flavorprofiles', {
      flavorprofile: { name: 'fp1', provider_name: 'noop', flavor_data: '{}' },
    });
    assert.equal(fp.status, 201, fp.text);
    const profile = fp.body.flavorprofile;
    assert.deepEqual(Object.keys(profile).sort(), ['flavor_data', 'id', 'name', 'provider_name']);
    assert.equal((await h.get(`flavorprofiles/${profile.id}`)).body.flavorprofile.name, 'fp1');
    const renamed = await h.put(`flavorprofiles/${profile.id}`, { flavorprofile: { name: 'fp1b' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.flavorprofile.name, 'fp1b');
    assertFault(
      await h.post('flavorprofiles', { flavorprofile: { name: 'x', provider_name: 'noop', flavor_data: 'notjson' } }),
      400,
      'notjson is not a valid option for flavor_data',
    );
    assertFault(
      await h.post('flavorprofiles', { flavorprofile: { name: 'x', provider_name: 'nope', flavor_data: '{}' } }),
      400,
      "Provider 'nope' is not enabled.",
    );
    assertFault(
      await h.post('flavorprofiles', { flavorprofile: { name: 'x', provider_name: 'noop' } }),
      400,
      "Invalid input for field/attribute flavor_data. Value: 'None'. Mandatory field missing.",
    );

    const fl = await h.post('flavors', { flavor: { name: 'f1', flavor_profile_id: profile.id, description: 'd' } });
    assert.equal(fl.status, 201, fl.text);
    const flavor = fl.body.flavor;
    assert.deepEqual(Object.keys(flavor).sort(), ['description', 'enabled', 'flavor_profile_id', 'id', 'name']);
    assert.equal(flavor.enabled, true);
    assertFault(
      await h.post('flavors', { flavor: { name: 'f1', flavor_profile_id: profile.id } }),
      409,
      'A flavor of f1 already exists.',
    );
    assertFault(
      await h.put(`flavors/${flavor.id}`, { flavor: { flavor_profile_id: profile.id } }),
      400,
      'Unknown attribute for argument flavor_.flavor: flavor_profile_id',
    );
    assertFault(
      await h.del(`flavorprofiles/${profile.id}`),
      409,
      `Flavor profile ${profile.id} is in use and cannot be modified.`,
    );
    const lb = await h.createLb({ flavor_id: flavor.id });
    assert.equal(lb.flavor_id, flavor.id);
    assertFault(await h.del(`flavors/${flavor.id}`), 409, `Flavor ${flavor.id} is in use and cannot be modified.`);
    assert.equal((await h.del(`loadbalancers/${lb.id}`)).status, 204);
    await h.idle();
    assert.equal((await h.del(`flavors/${flavor.id}`)).status, 204);
    assert.equal((await h.get(`flavors/${flavor.id}`)).status, 404);
    assert.equal((await h.del(`flavorprofiles/${profile.id}`)).status, 204);
    assert.equal((await h.get(`flavorprofiles/${profile.id}`)).status, 404);
  });

  test('disabled flavor cannot be used (capture 424)', async () => {
    const fp = await h.post('flavorprofiles', {
      flavorprofile: { name: 'fp2', provider_name: 'noop', flavor_data: '{}' },
    });
    const fl = await h.post('flavors', { flavor: { name: 'f2', flavor_profile_id: fp.body.flavorprofile.id } });
    const id = fl.body.flavor.id;
    assert.equal((await h.put(`flavors/${id}`, { flavor: { enabled: false } })).status, 200);
    assertFault(
      await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId, flavor_id: id } }),
      400,
      `The selected flavor is not allowed in this deployment: ${id}`,
    );
  });

  test('availability zone profiles and zones: CRUD and in-use 409s (captures 429-446)', async () => {
    const azp = await h.post('availabilityzoneprofiles', {
      availability_zone_profile: { name: 'azp1', provider_name: 'noop', availability_zone_data: '{}' },
    });
    assert.equal(azp.status, 201, azp.text);
    const profile = azp.body.availability_zone_profile;
    assert.deepEqual(Object.keys(profile).sort(), ['availability_zone_data', 'id', 'name', 'provider_name']);
    const az = await h.post('availabilityzones', {
      availability_zone: { name: 'az1', availability_zone_profile_id: profile.id, description: 'd' },
    });
    assert.equal(az.status, 201, az.text);
    assert.deepEqual(az.body.availability_zone, {
      name: 'az1',
      description: 'd',
      enabled: true,
      availability_zone_profile_id: profile.id,
    });
    assert.equal((await h.get('availabilityzones/az1')).status, 200);
    const updated = await h.put('availabilityzones/az1', { availability_zone: { description: 'd2' } });
    assert.equal(updated.body.availability_zone.description, 'd2');
    assertFault(
      await h.put('availabilityzones/az1', { availability_zone: { name: 'az9' } }),
      400,
      'Unknown attribute for argument availability_zone_.availability_zone: name',
    );
    assertFault(
      await h.post('availabilityzones', {
        availability_zone: { name: 'az1', availability_zone_profile_id: profile.id },
      }),
      409,
      'A availability zone of az1 already exists.',
    );
    const lb = await h.createLb({ availability_zone: 'az1' });
    assertFault(await h.del('availabilityzones/az1'), 409, 'Availability Zone az1 is in use and cannot be modified.');
    assertFault(
      await h.del(`availabilityzoneprofiles/${profile.id}`),
      409,
      `Availability Zone Profile ${profile.id} is in use and cannot be modified.`,
    );
    assert.equal((await h.del(`loadbalancers/${lb.id}`)).status, 204);
    await h.idle();
    assert.equal((await h.del('availabilityzones/az1')).status, 204);
    assert.equal((await h.del(`availabilityzoneprofiles/${profile.id}`)).status, 204);
    assertFault(
      await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId, availability_zone: 'nope' } }),
      400,
      'Validation failure: Invalid availability zone.',
    );
  });

  test('amphorae list under /v2/octavia/amphorae (capture 54)', async () => {
    const lb = await h.createLb();
    const reply = await h.get(`/v2/octavia/amphorae?loadbalancer_id=${lb.id}`);
    assert.equal(reply.status, 200, reply.text);
    assert.ok(Array.isArray(reply.body.amphorae));
    for (const amp of reply.body.amphorae) assert.equal(amp.loadbalancer_id, lb.id);
    const all = await h.get('/v2/octavia/amphorae');
    assert.equal(all.status, 200);
  });

  test('versions document at / ends with the CURRENT version >= v2.16 (capture 01)', async () => {
    const reply = await h.get('/');
    assert.equal(reply.status, 200);
    const versions = reply.body.versions as Json[];
    const last = versions.at(-1)!;
    assert.equal(last.status, 'CURRENT');
    assert.ok(Number(String(last.id).split('.')[1]) >= 16, last.id);
    assert.equal(versions.filter((v) => v.status === 'CURRENT').length, 1);
    assert.deepEqual(last.links, [{ href: `${h.base}/v2`, rel: 'self' }]);
  });

  test('/v2.0 answers the same as /v2', async () => {
    const lb = await h.createLb({ name: 'alias' });
    const v2 = await h.get(`/v2/lbaas/loadbalancers/${lb.id}`);
    const v20 = await h.get(`/v2.0/lbaas/loadbalancers/${lb.id}`);
    assert.equal(v20.status, 200);
    assert.deepEqual(v20.body, v2.body);
    const created = await h.post('/v2.0/lbaas/listeners', {
      listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80 },
    });
    assert.equal(created.status, 201);
    assertFault(
      await h.get('/v2.0/lbaas/loadbalancers?nosuchattr=1'),
      400,
      'One or more arguments are either duplicate or invalid',
    );
  });

  test('Neutron look-ups: subnet by name and the VIP port', async () => {
    const subnets = await h.get('/v2.0/subnets?name=local');
    assert.equal(subnets.status, 200);
    assert.equal(subnets.body.subnets.length, 1);
    assert.equal(subnets.body.subnets[0].id, h.subnetId);
    assert.equal(subnets.body.subnets[0].cidr, h.subnetCidr);
    assert.deepEqual((await h.get('/v2.0/subnets?name=nope')).body.subnets, []);
    const lb = await h.createLb();
    const ports = await h.get('/v2.0/ports');
    assert.equal(ports.status, 200);
    const port = ports.body.ports.find((p: Json) => p.id === lb.vip_port_id);
    assert.ok(port, 'VIP port listed');
    assert.deepEqual(
      port.fixed_ips.map((ip: Json) => ip.ip_address),
      [lb.vip_address],
    );
    const one = await h.get(`/v2.0/ports/${lb.vip_port_id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.port.id, lb.vip_port_id);
  });
});
