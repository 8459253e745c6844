/** The `dns` provider at the API: which names a load balancer may publish, and the vip_address it reports. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json } from './harness.ts';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

const DNS_YAML = `dns:
  listen: [127.0.0.1:0]
  zones:
    - name: lb.example.org
      nameservers: [ns1.lb.example.org]
      hostmaster: hostmaster.example.org
      glue:
        ns1.lb.example.org: [192.0.2.53]
      ttl: 30
    - name: team-a.example.org
      nameservers: [ns1.example.org]
      hostmaster: hostmaster.example.org
      projects: [${A}]
`;

describe('dns provider', () => {
  let h: Harness;

  before(async () => {
    h = await Harness.start({ yaml: DNS_YAML });
  });
  after(() => h.close());

  const create = (project: string, fields: Json) =>
    h.req(
      'POST',
      'loadbalancers',
      { loadbalancer: { vip_subnet_id: h.subnetId, provider: 'dns', ...fields } },
      {
        headers: { 'x-project-id': project },
      },
    );

  test('refuses listener protocols it cannot carry, TERMINATED_TLS among them, with 501', async () => {
    const lb = (await create(A, { name: 'tls.lb.example.org' })).body.loadbalancer;
    const refused = await h.post('listeners', {
      listener: {
        loadbalancer_id: lb.id,
        protocol: 'TERMINATED_TLS',
        protocol_port: 443,
        default_tls_container_ref: 'http://127.0.0.1/v1/containers/0f0e8bb1-5b1c-4bf4-8bd9-6b1c1e1b0d63',
      },
    });
    assertFault(
      refused,
      501,
      "Provider 'dns' does not support a requested option: Listener protocol TERMINATED_TLS is not supported.",
    );
  });

  test('is listed, and its load balancers report the DNS listener as vip_address', async () => {
    const providers = (await h.get('providers')).body.providers as Json[];
    assert.ok(providers.some((p) => p.name === 'dns'));
    const created = await create(A, { name: 'www.lb.example.org' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.loadbalancer.vip_address, '127.0.0.1');
    await h.waitActive(created.body.loadbalancer.id);
    assertFault(await create(A, { name: 'vip.lb.example.org', vip_address: '10.0.0.9' }), 400, /vip_address/);
  });

  test('L7 policies are refused with 501, as by any provider without them', async () => {
    const lb = (await create(A, { name: 'l7.lb.example.org' })).body.loadbalancer as Json;
    await h.waitActive(lb.id);
    const asA = { headers: { 'x-project-id': A } };
    const listener = await h.req(
      'POST',
      'listeners',
      { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80 } },
      asA,
    );
    assert.equal(listener.status, 201, listener.text);
    await h.waitActive(lb.id);
    const policy = { l7policy: { listener_id: listener.body.listener.id, action: 'REJECT' } };
    assertFault(
      await h.req('POST', 'l7policies', policy, asA),
      501,
      "Provider 'dns' does not support a requested option: Provider does not support L7 policies.",
    );
  });

  test('a name outside the zones, or no name, is refused at create and on rename', async () => {
    assertFault(await create(A, { name: 'www.example.com' }), 400, /"www\.example\.com" is in no DNS zone/);
    assertFault(await create(A, {}), 400, /not a domain name/);
    const lb = (await create(A, { name: 'rename.lb.example.org' })).body.loadbalancer as Json;
    await h.waitActive(lb.id);
    assertFault(
      await h.put(`loadbalancers/${lb.id}`, { loadbalancer: { name: 'bad name' } }),
      400,
      /not a domain name/,
    );
    const renamed = await h.put(`loadbalancers/${lb.id}`, { loadbalancer: { name: 'renamed.lb.example.org' } });
    assert.equal(renamed.status, 200, renamed.text);
  });

  test('a name is the first load balancer’s: another, in any project, is refused without learning whose', async () => {
    const first = (await create(A, { name: 'taken.lb.example.org' })).body.loadbalancer as Json;
    await h.waitActive(first.id);
    for (const project of [A, B]) {
      const refused = await create(project, { name: 'TAKEN.lb.example.org.' });
      assertFault(refused, 409, 'Name "TAKEN.lb.example.org." is already published by another load balancer.');
      assert.ok(!refused.text.includes(A) && !refused.text.includes(first.id));
    }
    const other = (await create(B, { name: 'other.lb.example.org' })).body.loadbalancer as Json;
    await h.waitActive(other.id);
    const rename = await h.put(`loadbalancers/${other.id}`, { loadbalancer: { name: 'taken.lb.example.org' } });
    assertFault(rename, 409, /already published by another load balancer/);
    // A noop load balancer's name publishes nothing, so it neither takes nor is refused a name.
    assert.equal(
      (await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId, name: 'taken.lb.example.org' } }))
        .status,
      201,
    );
  });

  test("a name above or below another project's name is refused: its SRV owners and host names lie there", async () => {
    const mail = (await create(A, { name: 'mail.lb.example.org' })).body.loadbalancer as Json;
    await h.waitActive(mail.id);
    for (const name of ['mx1.mail.lb.example.org', '_smtp._tcp.mail.lb.example.org']) {
      assertFault(
        await create(B, { name }),
        409,
        `Name "${name}" lies above or below a name another project publishes.`,
      );
    }
    const below = (await create(B, { name: 'deep.zone-b.lb.example.org' })).body.loadbalancer as Json;
    await h.waitActive(below.id);
    assertFault(await create(A, { name: 'zone-b.lb.example.org' }), 409, /lies above or below/);
    assert.equal((await create(A, { name: 'mx1.mail.lb.example.org' })).status, 201, 'the same project may');
    assertFault(await create(A, { name: 'ns1.lb.example.org' }), 400, /is a nameserver of zone lb\.example\.org/);
  });

  test('a zone limited to projects takes names of those projects only', async () => {
    assertFault(
      await create(B, { name: 'www.team-a.example.org' }),
      400,
      `Validation failure: name "www.team-a.example.org": zone team-a.example.org does not take names of project ${B}.`,
    );
    assert.equal((await create(A, { name: 'www.team-a.example.org' })).status, 201);
  });
});

test('without dns.listen the dns provider is not enabled, and says why', async () => {
  const h = await Harness.start();
  try {
    const refused = await h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId, provider: 'dns' } });
    assertFault(refused, 400, "Provider 'dns' is not enabled. dns.listen names no address to answer on.");
  } finally {
    await h.close();
  }
});
