/**
 * The proxy provider relaying TCP through the real API, reconciler and health checker: members are small servers on
 * loopback addresses of their own, clients connect to the VIP from source addresses of their own.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Harness, type Json } from '../api/harness.ts';
import { connectAndTalk, type LineServer, startLineServer, waitFor } from './support/line-servers.ts';

describe('proxy provider: TCP', () => {
  let h: Harness;
  let members: LineServer[];
  let lb: Json;
  let vip: string;

  before(async () => {
    h = await Harness.start();
    members = await Promise.all(['127.0.0.21', '127.0.0.22'].map((address) => startLineServer(address)));
    lb = await h.createLb({ provider: 'proxy' });
    vip = lb.vip_address as string;
  });
  after(async () => {
    await h.close();
    await Promise.all(members.map((m) => m.close()));
  });

  const createListener = (port: number, extra: Json = {}) =>
    h.createListener(lb.id, { protocol: 'TCP', protocol_port: port, ...extra });
  const createPool = (listenerId: string, extra: Json = {}) =>
    h.createPool(lb.id, { listener_id: listenerId, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', ...extra });
  const addMember = (poolId: string, server: LineServer, extra: Json = {}) =>
    h.createMember(lb.id, poolId, { address: server.address, protocol_port: server.port, ...extra });

  test('bytes go both ways, and round robin spreads connections evenly', async () => {
    const listener = await createListener(7001);
    const pool = await createPool(listener.id);
    for (const member of members) await addMember(pool.id, member);
    const seen = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const reply = await connectAndTalk(vip, 7001, `hello ${i}`);
      assert.match(reply.echo, new RegExp(`^hello ${i}$`));
      seen.set(reply.member, (seen.get(reply.member) ?? 0) + 1);
    }
    assert.deepEqual([...seen.values()], [20, 20]);
  });

  test('a member that stops answering is taken out by its monitor, and traffic goes on', async () => {
    const listener = await createListener(7002);
    const pool = await createPool(listener.id);
    const spare = await startLineServer('127.0.0.23');
    const doomed = await startLineServer('127.0.0.24');
    await addMember(pool.id, spare);
    await addMember(pool.id, doomed);
    await h.createHm(lb.id, pool.id, { type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 });
    await doomed.close();
    // Detection takes delay x max_retries_down; the margin is generous.
    await waitFor('member marked down', 10_000, async () => {
      const tree = (await h.get(`loadbalancers/${lb.id}/status`)).body as Json;
      const poolStatus = tree.statuses.loadbalancer.listeners.find((l: Json) => l.id === listener.id).pools[0] as Json;
      return poolStatus.members.some((m: Json) => m.operating_status === 'ERROR');
    });
    for (let i = 0; i < 10; i++) assert.equal((await connectAndTalk(vip, 7002, 'x')).member, spare.name);
    await spare.close();
  });

  test('connection_limit and allowed_cidrs are enforced at accept', async () => {
    const listener = await createListener(7003, { connection_limit: 1, allowed_cidrs: ['127.0.0.77/32'] });
    const pool = await createPool(listener.id);
    await addMember(pool.id, members[0]!);
    await assert.rejects(connectAndTalk(vip, 7003, 'x', { localAddress: '127.0.0.78' }));
    const held = await connectAndTalk(vip, 7003, 'first', { localAddress: '127.0.0.77', keepOpen: true });
    await assert.rejects(connectAndTalk(vip, 7003, 'second', { localAddress: '127.0.0.77' }));
    held.socket!.destroy();
    await waitFor('the held connection is released', 5_000, async () => {
      try {
        await connectAndTalk(vip, 7003, 'third', { localAddress: '127.0.0.77' });
        return true;
      } catch {
        return false;
      }
    });
  });

  test('listener stats count the bytes the clients sent and received', async () => {
    const listener = await createListener(7004);
    const pool = await createPool(listener.id);
    await addMember(pool.id, members[1]!);
    const reply = await connectAndTalk(vip, 7004, 'twelve bytes');
    const stats = await waitFor('stats settle', 5_000, async () => {
      const s = (await h.get(`listeners/${listener.id}/stats`)).body.stats as Json;
      return s.active_connections === 0 && s.total_connections === 1 ? s : undefined;
    });
    assert.equal(stats.bytes_in, 'twelve bytes\n'.length);
    assert.equal(stats.bytes_out, reply.received);
    assert.equal(stats.total_requests, undefined, 'a TCP listener sees no requests');
  });

  test("clients naming Octavia's provider `amphora` get the proxy, and the name they sent is kept", async () => {
    const amphora = await h.createLb({ provider: 'amphora' });
    assert.equal(amphora.provider, 'amphora');
    const listener = await h.createListener(amphora.id, { protocol: 'TCP', protocol_port: 7006 });
    const pool = await h.createPool(amphora.id, {
      listener_id: listener.id,
      protocol: 'TCP',
      lb_algorithm: 'ROUND_ROBIN',
    });
    await h.createMember(amphora.id, pool.id, { address: members[0]!.address, protocol_port: members[0]!.port });
    assert.equal((await connectAndTalk(amphora.vip_address, 7006, 'via amphora')).echo, 'via amphora');
  });

  test('a change to the pool drops no established connection', async () => {
    const listener = await createListener(7005);
    const pool = await createPool(listener.id);
    await addMember(pool.id, members[0]!);
    const held = await connectAndTalk(vip, 7005, 'before', { keepOpen: true });
    await addMember(pool.id, members[1]!);
    await h.put(`listeners/${listener.id}`, { listener: { connection_limit: 100 } });
    await h.waitActive(lb.id);
    assert.equal(await held.talk!('after'), 'after');
    held.socket!.destroy();
  });

  test('megabytes each way arrive whole through backpressure, and a half-close still gets its answer', async () => {
    // The member reads until the client is done sending, then answers with the digest of what it got and as much again.
    const size = 8 * 1024 * 1024;
    const member = createServer({ allowHalfOpen: true }, (socket) => {
      const hash = createHash('sha256');
      let received = 0;
      // Slow to read at first, so that weir's side towards it fills up.
      socket.pause();
      setTimeout(() => socket.resume(), 300);
      socket.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
      });
      socket.on('end', () =>
        socket.end(Buffer.concat([Buffer.from(`${received} ${hash.digest('hex')}\n`), Buffer.alloc(size, 7)])),
      );
    });
    member.listen(0, '127.0.0.23');
    await once(member, 'listening');
    try {
      const listener = await createListener(7007);
      const pool = await createPool(listener.id);
      await h.createMember(lb.id, pool.id, {
        address: '127.0.0.23',
        protocol_port: (member.address() as { port: number }).port,
      });
      const sent = Buffer.alloc(size);
      for (let i = 0; i < size; i += 4096) sent.writeUInt32BE(i, i);
      const client = connect(7007, vip);
      await once(client, 'connect');
      const chunks: Buffer[] = [];
      client.on('data', (chunk: Buffer) => chunks.push(chunk));
      client.end(sent);
      const closed = once(client, 'close');
      await Promise.race([
        closed,
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 20 s')), 20_000)),
      ]);
      const answer = Buffer.concat(chunks);
      const line = answer.subarray(0, answer.indexOf(10) + 1).toString();
      assert.equal(line, `${size} ${createHash('sha256').update(sent).digest('hex')}\n`);
      assert.equal(answer.length - line.length, size);
      assert.ok(answer.subarray(line.length).every((byte) => byte === 7));
    } finally {
      member.close();
    }
  });
});
