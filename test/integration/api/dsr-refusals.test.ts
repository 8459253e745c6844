// What the dsr provider cannot do without per-connection state is refused at the API, with Octavia's 501 and the
// reason: members on another port than their listener's (including a pool shared with a listener on another port),
// weight 0 (drain) and connection_limit. Its load balancers here are admin down, so nothing reaches the kernel of
// the test runner's namespace.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json } from './harness.ts';

const ports = (memberPort: number, listenerPort: number) =>
  `Provider 'dsr' does not support a requested option: port translation (member 10.0.0.5 protocol_port ${memberPort} ` +
  `differs from listener protocol_port ${listenerPort}; this provider forwards packets unchanged and cannot rewrite ports)`;
const DRAIN =
  "Provider 'dsr' does not support a requested option: weight 0 (draining keeps a member for its open " +
  'connections, and this load balancer keeps no connection state)';

let h: Harness;
let lb: Json;
let pool: Json;
let available = false;

describe('dsr refusals', () => {
  before(async () => {
    h = await Harness.start();
    available = (await h.get('providers')).body.providers.some((p: Json) => p.name === 'dsr');
    if (!available) return;
    lb = await h.createLb({ provider: 'dsr', admin_state_up: false });
    const listener = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: 80 });
    pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'TCP' });
  });
  after(() => h.close());

  test('a member on another port than its listener, alone or in a batch, is refused', async (t) => {
    if (!available) return t.skip('dsr needs root and nft');
    const member = { address: '10.0.0.5', protocol_port: 8080 };
    assertFault(await h.post(`pools/${pool.id}/members`, { member }), 501, ports(8080, 80));
    assertFault(await h.put(`pools/${pool.id}/members`, { members: [member] }), 501, ports(8080, 80));
    const same = await h.createMember(lb.id, pool.id, { protocol_port: 80 });
    assert.equal(same.protocol_port, 80);
  });

  test('weight 0 is refused, on create and on update', async (t) => {
    if (!available) return t.skip('dsr needs root and nft');
    const member = { address: '10.0.0.6', protocol_port: 80, weight: 0 };
    assertFault(await h.post(`pools/${pool.id}/members`, { member }), 501, DRAIN);
    const made = await h.createMember(lb.id, pool.id, { address: '10.0.0.6', protocol_port: 80, weight: 2 });
    assertFault(await h.put(`pools/${pool.id}/members/${made.id}`, { member: { weight: 0 } }), 501, DRAIN);
  });

  test('a listener on another port than its default pool members is refused, when created and when updated', async (t) => {
    if (!available) return t.skip('dsr needs root and nft');
    const reason = ports(80, 81);
    const shared = { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 81, default_pool_id: pool.id };
    assertFault(await h.post('listeners', { listener: shared }), 501, reason);
    const other = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: 81 });
    assertFault(await h.put(`listeners/${other.id}`, { listener: { default_pool_id: pool.id } }), 501, reason);
  });

  test('connection_limit is refused', async (t) => {
    if (!available) return t.skip('dsr needs root and nft');
    const listener = { loadbalancer_id: lb.id, protocol: 'UDP', protocol_port: 53, connection_limit: 10 };
    assertFault(
      await h.post('listeners', { listener }),
      501,
      "Provider 'dsr' does not support a requested option: connection_limit",
    );
  });

  test('providers that translate ports and drain take the same requests', async () => {
    const noop = await h.createLb({ provider: 'noop' });
    const listener = await h.createListener(noop.id, { protocol: 'TCP', protocol_port: 80 });
    const other = await h.createPool(noop.id, { listener_id: listener.id, protocol: 'TCP' });
    const member = await h.createMember(noop.id, other.id, { protocol_port: 8080, weight: 0 });
    assert.equal(member.weight, 0);
  });
});
