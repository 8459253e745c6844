/**
 * The point of the proxy provider: every member learns the client's own address. Each client connects from a
 * source address of its own, so the test proves the member saw exactly that client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { subnetIdFor } from '../../../src/network/stable-id.ts';
import { Harness, type Json } from '../api/harness.ts';
import { connectAndTalk, startLineServer } from './support/line-servers.ts';

describe('proxy provider: the client address reaches the member', () => {
  let h: Harness;
  let lb: Json;
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    h = await Harness.start({
      yaml: [
        'subnets:',
        '  - {name: v4, cidr: 127.0.0.0/8, allocation_pools: [{start: 127.0.110.1, end: 127.0.110.50}]}',
        '  - {name: v6, cidr: "::1/128"}',
      ].join('\n'),
    });
    lb = await h.createLb({ provider: 'proxy' });
  });
  after(async () => {
    await h.close();
    for (const close of closers) await close();
  });

  for (const [protocol, version] of [
    ['PROXY', 1],
    ['PROXYV2', 2],
  ] as const) {
    test(`a ${protocol} pool's member reads the client from a v${version} header`, async () => {
      const port = 7100 + version;
      const member = await startLineServer('127.0.0.31', { proxyProtocol: true });
      closers.push(member.close);
      const listener = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: port });
      const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol, lb_algorithm: 'ROUND_ROBIN' });
      await h.createMember(lb.id, pool.id, { address: member.address, protocol_port: member.port });
      for (const source of ['127.0.0.77', '127.0.0.78']) {
        const talk = await connectAndTalk(lb.vip_address, port, 'hi', { localAddress: source });
        assert.equal(talk.peer.split(':')[0], source);
        assert.equal(talk.echo, 'hi');
      }
      const header = member.headers.at(-1)!;
      assert.equal(header.version, version);
      assert.deepEqual((header.destination as Json).address, lb.vip_address);
      assert.equal((header.destination as Json).port, port);
      if (version === 2) {
        assert.equal(header.crc32c, true);
        assert.ok(header.tlvs.some((t) => t.type === 'unique-id'));
      }
      const tree = (await h.get(`loadbalancers/${lb.id}/status`)).body.statuses.loadbalancer as Json;
      const entry = tree.listeners.find((l: Json) => l.id === listener.id);
      assert.equal(entry.client_address, `PROXY protocol v${version} header`);
    });
  }

  test('over IPv6 the member reads the IPv6 client', async () => {
    const v6 = await h.createLb({ provider: 'proxy', vip_subnet_id: subnetIdFor('v6') });
    assert.equal(v6.vip_address, '::1');
    const member = await startLineServer('127.0.0.32', { proxyProtocol: true });
    closers.push(member.close);
    const listener = await h.createListener(v6.id, { protocol: 'TCP', protocol_port: 7106 });
    const pool = await h.createPool(v6.id, {
      listener_id: listener.id,
      protocol: 'PROXYV2',
      lb_algorithm: 'SOURCE_IP',
    });
    await h.createMember(v6.id, pool.id, { address: member.address, protocol_port: member.port });
    const talk = await connectAndTalk('::1', 7106, 'six', { localAddress: '::1' });
    assert.match(talk.peer, /^::1:\d+$/);
    assert.equal(member.headers.at(-1)!.family, 'inet6');
  });
});
