/**
 * The proxy provider's UDP listeners, relayed in user space: each client address and port is a flow pinned to one
 * member, answers come back to the client from the VIP.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Harness, type Json } from '../api/harness.ts';

async function udpEchoMember(address: string): Promise<{ socket: Socket; address: string; port: number }> {
  const socket = createSocket('udp4');
  socket.on('message', (message, from) => socket.send(`${address} ${message}`, from.port, from.address));
  socket.bind(0, address);
  await once(socket, 'listening');
  return { socket, address, port: socket.address().port };
}

/** Sends `text` from a socket bound to `source` and resolves with the first answer (bounded). */
async function ask(client: Socket, host: string, port: number, text: string): Promise<string> {
  const answer = once(client, 'message', { signal: AbortSignal.timeout(3_000) }) as Promise<[Buffer]>;
  client.send(text, port, host);
  return String((await answer)[0]);
}

describe('proxy provider: UDP', () => {
  let h: Harness;
  let lb: Json;
  let members: Awaited<ReturnType<typeof udpEchoMember>>[];
  const clients: Socket[] = [];

  before(async () => {
    h = await Harness.start();
    members = await Promise.all(['127.0.0.51', '127.0.0.52'].map(udpEchoMember));
    lb = await h.createLb({ provider: 'proxy' });
    const listener = await h.createListener(lb.id, { protocol: 'UDP', protocol_port: 5300 });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN' });
    for (const m of members) await h.createMember(lb.id, pool.id, { address: m.address, protocol_port: m.port });
  });
  after(async () => {
    for (const c of clients) c.close();
    await h.close();
    for (const m of members) m.socket.close();
  });

  const newClient = async (source: string) => {
    const client = createSocket('udp4');
    client.bind(0, source);
    await once(client, 'listening');
    clients.push(client);
    return client;
  };

  test('a flow stays with its member, and flows are spread over the members', async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 6; i++) {
      const client = await newClient(`127.0.0.${80 + i}`);
      const first = await ask(client, lb.vip_address, 5300, `hello ${i}`);
      const [member, ...rest] = first.split(' ');
      assert.equal(rest.join(' '), `hello ${i}`);
      for (let j = 0; j < 3; j++)
        assert.equal((await ask(client, lb.vip_address, 5300, 'again')).split(' ')[0], member);
      seen.set(member!, (seen.get(member!) ?? 0) + 1);
    }
    assert.deepEqual([...seen.values()], [3, 3]);
  });

  test('listener stats count datagram bytes both ways', async () => {
    const before = (await h.get(`loadbalancers/${lb.id}/stats`)).body.stats as Json;
    const client = await newClient('127.0.0.90');
    const answer = await ask(client, lb.vip_address, 5300, 'count me');
    const after = (await h.get(`loadbalancers/${lb.id}/stats`)).body.stats as Json;
    assert.equal(after.bytes_in - before.bytes_in, 'count me'.length);
    assert.equal(after.bytes_out - before.bytes_out, answer.length);
  });

  test("the status tree says members do not learn the client's address over UDP", async () => {
    const tree = (await h.get(`loadbalancers/${lb.id}/status`)).body.statuses.loadbalancer as Json;
    assert.equal(
      tree.listeners[0].client_address,
      "not delivered: members see weir's address (UDP is relayed in user space)",
    );
  });
});
