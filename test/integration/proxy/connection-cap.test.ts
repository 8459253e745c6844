/** tenancy.max_connections_per_load_balancer: one load balancer's connections, over all its listeners, are capped. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Harness } from '../api/harness.ts';
import { connectAndTalk, type LineServer, startLineServer, waitFor } from './support/line-servers.ts';

let h: Harness;
let member: LineServer;

before(async () => {
  h = await Harness.start({ yaml: 'tenancy:\n  max_connections_per_load_balancer: 1\n' });
  member = await startLineServer('127.0.0.66');
});
after(async () => {
  await h.close();
  await member.close();
});

test('a connection held on one listener keeps the next one out on another listener of the same load balancer', async () => {
  const lb = await h.createLb({ provider: 'proxy' });
  for (const port of [7201, 7202]) {
    const listener = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: port });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
    await h.createMember(lb.id, pool.id, { address: member.address, protocol_port: member.port });
  }
  const held = await connectAndTalk(lb.vip_address, 7201, 'first', { keepOpen: true });
  await assert.rejects(connectAndTalk(lb.vip_address, 7202, 'second'));
  held.socket!.destroy();
  await waitFor('the cap frees up', 5_000, async () =>
    connectAndTalk(lb.vip_address, 7202, 'third').then(
      () => true,
      () => false,
    ),
  );
  const other = await h.createLb({ provider: 'proxy' });
  const listener = await h.createListener(other.id, { protocol: 'TCP', protocol_port: 7203 });
  const pool = await h.createPool(other.id, { listener_id: listener.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
  await h.createMember(other.id, pool.id, { address: member.address, protocol_port: member.port });
  const busy = await connectAndTalk(lb.vip_address, 7201, 'busy', { keepOpen: true });
  assert.equal((await connectAndTalk(other.vip_address, 7203, 'another tenant')).echo, 'another tenant');
  busy.socket!.destroy();
});
