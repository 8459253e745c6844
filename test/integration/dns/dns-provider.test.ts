/** A `dns` load balancer answered with `dig`: its members' addresses, following admin state and health checks. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { digAt, skipWithoutDig } from '../../support/dig.ts';
import { Harness, type Json } from '../api/harness.ts';
import { waitFor } from '../proxy/support/line-servers.ts';

const YAML = `dns:
  listen: [127.0.0.1:0]
  zones:
    - name: lb.example.org
      nameservers: [ns.example.net]
      hostmaster: hostmaster.example.org
      ttl: 30
`;

/** A TCP server that accepts and closes, on `host` and `port` (0: a free one). */
async function listening(host: string, port = 0): Promise<Server> {
  const server = createServer((socket) => {
    // Monitors may reset the connection once it is up.
    socket.on('error', () => {});
    socket.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, resolve);
  });
  return server;
}
const portOf = (server: Server) => (server.address() as { port: number }).port;
const closed = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('dns provider answering with dig', { skip: skipWithoutDig }, () => {
  let h: Harness;
  let port: string;
  const servers: Server[] = [];

  before(async () => {
    h = await Harness.start({ yaml: YAML });
    port = h.server.dns!.addresses[0]!.split(':')[1]!;
  });
  after(async () => {
    await h.close();
    await Promise.all(servers.filter((s) => s.listening).map(closed));
  });

  const answers = async (name: string, type = 'A') => (await digAt(port, name, type)).answers.sort();

  /** A dns load balancer named `name` with a TCP listener, its default pool and a member per address. */
  async function publish(name: string, addresses: string[], memberPort = 9) {
    const lb = await h.createLb({ provider: 'dns', name });
    const listener = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: 80 });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'TCP' });
    const members: Json[] = [];
    for (const address of addresses) {
      members.push(await h.createMember(lb.id, pool.id, { address, protocol_port: memberPort }));
    }
    return { lb, pool, members };
  }

  test('both members answer, an admin-down member leaves the answers, names not published do not exist', async () => {
    const { lb, pool, members } = await publish('www.lb.example.org', ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(await answers('WWW.lb.example.org'), [
      'WWW.lb.example.org. 30 IN A 192.0.2.1',
      'WWW.lb.example.org. 30 IN A 192.0.2.2',
    ]);
    const nodata = await digAt(port, 'www.lb.example.org', 'AAAA');
    assert.deepEqual([nodata.status, nodata.answers], ['NOERROR', []]);
    assert.equal((await digAt(port, 'nothing.lb.example.org', 'A')).status, 'NXDOMAIN');
    const down = await h.put(`pools/${pool.id}/members/${members[0]!.id}`, {
      member: { admin_state_up: false },
    });
    assert.equal(down.status, 200, down.text);
    await h.waitActive(lb.id);
    assert.deepEqual(await answers('www.lb.example.org'), ['www.lb.example.org. 30 IN A 192.0.2.2']);
  });

  test('a member a TCP monitor finds down leaves the answers, and comes back when it answers again', async () => {
    const steady = await listening('127.0.0.31');
    const flaky = await listening('127.0.0.32', portOf(steady));
    servers.push(steady, flaky);
    const { lb, pool } = await publish('app.lb.example.org', ['127.0.0.31', '127.0.0.32'], portOf(steady));
    await h.createHm(lb.id, pool.id, { type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 });
    const both = ['app.lb.example.org. 30 IN A 127.0.0.31', 'app.lb.example.org. 30 IN A 127.0.0.32'];
    assert.deepEqual(await answers('app.lb.example.org'), both);
    await closed(flaky);
    // Detection takes delay x max_retries_down; the margins are generous.
    await waitFor('the stopped member leaves the answers', 10_000, async () => {
      const now = await answers('app.lb.example.org');
      return now.length === 1 && now[0] === both[0];
    });
    servers.push(await listening('127.0.0.32', portOf(steady)));
    await waitFor('the restarted member is answered again', 10_000, async () => {
      return (await answers('app.lb.example.org')).length === 2;
    });
  });
});
