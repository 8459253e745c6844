import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json, tokenOf, UNKNOWN_ID } from './harness.ts';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('VIP subnets limited to projects', () => {
  let h: Harness;
  let shared: Json;
  let teamA: Json;

  before(async () => {
    h = await Harness.start({
      auth: 'keystone',
      yaml: [
        'subnets:',
        '  - {name: shared, cidr: 192.0.2.0/24}',
        `  - {name: team-a, cidr: 198.51.100.0/24, network_name: team-a-net, projects: [${A}]}`,
      ].join('\n'),
    });
    const subnets = (await h.get('/v2.0/subnets')).body.subnets as Json[];
    shared = subnets.find((s) => s.name === 'shared')!;
    teamA = subnets.find((s) => s.name === 'team-a')!;
  });
  after(() => h.close());

  const memberOf = (project: string) => tokenOf(h, project, ['load-balancer_member', 'member', 'reader']);
  const createLb = (project: string, vip: Json) =>
    h.req('POST', 'loadbalancers', { loadbalancer: vip }, { headers: memberOf(project) });
  const look = (project: string, path: string) => h.req('GET', path, undefined, { headers: memberOf(project) });

  test('another project creating a load balancer on it gets the answer for an unknown subnet', async () => {
    const unknown = await createLb(B, { vip_subnet_id: UNKNOWN_ID });
    const hidden = await createLb(B, { vip_subnet_id: teamA.id });
    assertFault(hidden, unknown.status, (unknown.body.faultstring as string).replace(UNKNOWN_ID, teamA.id));
    assertFault(hidden, 400, `Subnet ${teamA.id} not found.`);
    const unknownNetwork = await createLb(B, { vip_network_id: UNKNOWN_ID });
    const hiddenNetwork = await createLb(B, { vip_network_id: teamA.network_id });
    assertFault(hiddenNetwork, 400, (unknownNetwork.body.faultstring as string).replace(UNKNOWN_ID, teamA.network_id));
    assertFault(
      await createLb(B, { vip_subnet_id: shared.id, additional_vips: [{ subnet_id: teamA.id }] }),
      400,
      `Subnet ${teamA.id} not found.`,
    );
  });

  test('its own project and administrators create load balancers on it', async () => {
    const own = await createLb(A, { vip_subnet_id: teamA.id });
    assert.equal(own.status, 201, own.text);
    assert.equal(own.body.loadbalancer.vip_subnet_id, teamA.id);
    assert.equal(own.body.loadbalancer.project_id, A);
    const byNetwork = await createLb(A, { vip_network_id: teamA.network_id });
    assert.equal(byNetwork.status, 201, byNetwork.text);
    const admin = await h.req(
      'POST',
      'loadbalancers',
      { loadbalancer: { vip_subnet_id: teamA.id } },
      {
        headers: { 'x-project-id': B },
      },
    );
    assert.equal(admin.status, 201, admin.text);
    const elsewhere = await createLb(B, { vip_subnet_id: shared.id });
    assert.equal(elsewhere.status, 201, elsewhere.text);
    for (const reply of [own, byNetwork, admin, elsewhere]) await h.waitActive(reply.body.loadbalancer.id);
  });

  test('the Neutron look-ups hide it, and its network, from other projects', async () => {
    const names = async (project: string, path: string, key: string) =>
      ((await look(project, path)).body[key] as Json[]).map((r) => r.name).sort();
    assert.deepEqual(await names(B, '/v2.0/subnets', 'subnets'), ['shared']);
    assert.deepEqual(await names(A, '/v2.0/subnets', 'subnets'), ['shared', 'team-a']);
    assert.deepEqual(await names(B, '/v2.0/subnets?name=team-a', 'subnets'), []);
    assert.deepEqual(await names(B, '/v2.0/networks', 'networks'), ['shared']);
    assert.deepEqual(await names(A, '/v2.0/networks', 'networks'), ['shared', 'team-a-net']);
    assert.deepEqual(await names(B, '/v2.0/networks?name=team-a-net', 'networks'), []);

    const subnet = await look(B, `/v2.0/subnets/${teamA.id}`);
    assert.equal(subnet.status, 404);
    assert.equal(subnet.body.NeutronError.type, 'SubnetNotFound');
    const network = await look(B, `/v2.0/networks/${teamA.network_id}`);
    assert.equal(network.status, 404);
    assert.equal((await look(A, `/v2.0/subnets/${teamA.id}`)).status, 200);
    assert.equal((await h.get(`/v2.0/subnets/${teamA.id}`)).status, 200);
  });
});
