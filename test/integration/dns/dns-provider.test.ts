/** A `dns` load balancer answered with `dig`: its members' addresses, following admin state and health checks. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { chiSquare } from '../../support/chi-square.ts';
import { digAt, skipWithoutDig } from '../../support/dig.ts';
import { dnsOnLoopback } from '../../support/dns-zone-config.ts';
import { firstAddresses } from '../../support/udp-dns-client.ts';
import { Harness, type Json } from '../api/harness.ts';
import { waitFor } from '../proxy/support/line-servers.ts';

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
    h = await Harness.start({ yaml: dnsOnLoopback({ max_records: 4 }) });
    port = h.server.dns!.addresses[0]!.split(':')[1]!;
  });
  after(async () => {
    await h.close();
    await Promise.all(servers.filter((s) => s.listening).map(closed));
  });

  const answers = async (name: string, type = 'A') => (await digAt(port, name, type)).answers.sort();

  /** A dns load balancer named `name` with a TCP listener, its default pool and a member per address. */
  async function publish(name: string, addresses: string[], memberPort = 9, poolFields: Json = {}, weights?: number[]) {
    const lb = await h.createLb({ provider: 'dns', name });
    const listener = await h.createListener(lb.id, { protocol: 'TCP', protocol_port: 80 });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'TCP', ...poolFields });
    const members: Json[] = [];
    for (const [i, address] of addresses.entries()) {
      const weight = weights?.[i] ?? 1;
      members.push(await h.createMember(lb.id, pool.id, { address, protocol_port: memberPort, weight }));
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

  test('SRV per listener and MX for port 25 name member host names, which answer the members; admin down leaves', async () => {
    const lb = await h.createLb({ provider: 'dns', name: 'svc.lb.example.org' });
    /** A listener with its default pool of `members`, created through the API. */
    const served = async (listener: Json, members: Json[]) => {
      const { id } = await h.createListener(lb.id, listener);
      const protocol = listener.protocol;
      const pool = await h.createPool(lb.id, { listener_id: id, protocol });
      const created: Json[] = [];
      for (const member of members) created.push(await h.createMember(lb.id, pool.id, member));
      return { pool, members: created };
    };
    const http = await served({ protocol: 'TCP', protocol_port: 80, name: 'http' }, [
      { name: 'web1', address: '127.0.0.51', protocol_port: 8080, weight: 3 },
      { name: 'web2', address: '127.0.0.52', protocol_port: 8081 },
      { name: 'spare', address: '127.0.0.53', protocol_port: 8082, weight: 2, backup: true },
    ]);
    const udp = await served({ protocol: 'UDP', protocol_port: 8080 }, [
      { address: '127.0.0.54', protocol_port: 9000 },
    ]);
    const smtp = await served({ protocol: 'TCP', protocol_port: 25, name: 'smtp' }, [
      { name: 'mx1', address: '127.0.0.55', protocol_port: 25, weight: 10 },
      { name: 'mx2', address: '127.0.0.56', protocol_port: 25, weight: 10, backup: true },
    ]);
    const at = (label: string) => `${label}.svc.lb.example.org.`;
    assert.deepEqual(await answers('_http._tcp.svc.lb.example.org', 'SRV'), [
      `_http._tcp.svc.lb.example.org. 30 IN SRV 10 1 8081 ${at('web2')}`,
      `_http._tcp.svc.lb.example.org. 30 IN SRV 10 3 8080 ${at('web1')}`,
      `_http._tcp.svc.lb.example.org. 30 IN SRV 20 2 8082 ${at('spare')}`,
    ]);
    assert.deepEqual(await answers('_8080._udp.svc.lb.example.org', 'SRV'), [
      `_8080._udp.svc.lb.example.org. 30 IN SRV 10 1 9000 ${at(udp.members[0]!.id)}`,
    ]);
    assert.deepEqual(await answers('svc.lb.example.org', 'MX'), [
      `svc.lb.example.org. 30 IN MX 246 ${at('mx1')}`,
      `svc.lb.example.org. 30 IN MX 502 ${at('mx2')}`,
    ]);
    for (const [label, address] of [
      ['web1', '127.0.0.51'],
      ['spare', '127.0.0.53'],
      [udp.members[0]!.id, '127.0.0.54'],
      ['mx2', '127.0.0.56'],
    ]) {
      assert.deepEqual(await answers(at(label!), 'A'), [`${at(label!)} 30 IN A ${address}`]);
    }
    for (const { pool, members } of [http, smtp]) {
      const down = await h.put(`pools/${pool.id}/members/${members[1]!.id}`, { member: { admin_state_up: false } });
      assert.equal(down.status, 200, down.text);
      await h.waitActive(lb.id);
    }
    assert.deepEqual(await answers('_http._tcp.svc.lb.example.org', 'SRV'), [
      `_http._tcp.svc.lb.example.org. 30 IN SRV 10 3 8080 ${at('web1')}`,
      `_http._tcp.svc.lb.example.org. 30 IN SRV 20 2 8082 ${at('spare')}`,
    ]);
    assert.deepEqual(await answers('svc.lb.example.org', 'MX'), [`svc.lb.example.org. 30 IN MX 246 ${at('mx1')}`]);
    for (const label of ['web2', 'mx2']) assert.equal((await digAt(port, at(label), 'A')).status, 'NXDOMAIN');
  });

  test('a member a TCP monitor finds down leaves the answers, and comes back when it answers again', async () => {
    const steady = await listening('127.0.0.31');
    const flaky = await listening('127.0.0.32', portOf(steady));
    servers.push(steady, flaky);
    const { lb, pool } = await publish('app.lb.example.org', ['127.0.0.31', '127.0.0.32'], portOf(steady));
    await h.createHm(lb.id, pool.id, { type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 });
    // The TTL follows the monitor: one failed check of 1 s could change the answer, so the floor of 5 s.
    const both = ['app.lb.example.org. 5 IN A 127.0.0.31', 'app.lb.example.org. 5 IN A 127.0.0.32'];
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

  test('ROUND_ROBIN answers weighted: the first address follows member weights (chi-square over 10,000 answers)', async () => {
    const weights = [1, 2, 3];
    const addresses = ['192.0.2.21', '192.0.2.22', '192.0.2.23'];
    await publish('weighted.lb.example.org', addresses, 9, {}, weights);
    // A fair sample fails at p = 0.01 once in a hundred runs: a second sample must then fail too.
    let result = { statistic: 0, fits: false };
    for (let sample = 0; sample < 2 && !result.fits; sample++) {
      const firsts = await firstAddresses(Number(port), 'weighted.lb.example.org', 10_000);
      const counts = addresses.map((address) => firsts.filter((first) => first === address).length);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        10_000,
        'every answer starts with a member',
      );
      result = chiSquare(counts, weights);
    }
    assert.ok(result.fits, `chi-square ${result.statistic.toFixed(2)} for weights ${weights}`);
  });

  test('SOURCE_IP answers sticky per client subnet (ECS, echoed with its scope), spread over subnets', async () => {
    const addresses = ['192.0.2.31', '192.0.2.32', '192.0.2.33', '192.0.2.34'];
    await publish('sticky.lb.example.org', addresses, 9, { lb_algorithm: 'SOURCE_IP' });
    const firstFor = async (subnet: string) => {
      const reply = await digAt(port, `+subnet=${subnet}`, 'sticky.lb.example.org', 'A');
      assert.match(reply.text, new RegExp(`CLIENT-SUBNET: ${subnet.replace('/', '\\/')}/${subnet.split('/')[1]}`));
      return reply.answers[0];
    };
    const firsts = new Set<string | undefined>();
    for (let i = 0; i < 12; i++) {
      const subnet = `198.51.${i}.0/24`;
      const first = await firstFor(subnet);
      assert.equal(await firstFor(subnet), first, `${subnet} asks again`);
      firsts.add(first);
    }
    assert.ok(firsts.size >= 2, `12 subnets start with ${firsts.size} different addresses`);
    const plain = await digAt(port, '+subnet=198.51.100.0/24', 'www.lb.example.org', 'A');
    assert.match(plain.text, /CLIENT-SUBNET: 198\.51\.100\.0\/24\/0/, 'ROUND_ROBIN answers hold for any client');
  });

  test('at most max_records addresses per answer, and a different choice across queries', async () => {
    const addresses = Array.from({ length: 6 }, (_, i) => `192.0.2.4${i}`);
    await publish('many.lb.example.org', addresses);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const { answers: now } = await digAt(port, 'many.lb.example.org', 'A');
      assert.equal(now.length, 4);
      for (const line of now) seen.add(line);
    }
    assert.ok(seen.size > 4, `10 answers named ${seen.size} of the 6 addresses`);
  });

  test('when every member is down, all are answered at the minimum TTL (all_down: answer_all)', async () => {
    // Nothing listens on these addresses' port: the first checks find both down.
    const { lb, pool } = await publish('down.lb.example.org', ['127.0.0.41', '127.0.0.42'], 1);
    const before = await answers('down.lb.example.org');
    assert.equal(before.length, 2, 'answered before the first checks have run');
    await h.createHm(lb.id, pool.id, { type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 });
    await waitFor('both members found down', 10_000, async () => {
      const members = await h.get(`pools/${pool.id}/members`);
      return members.body.members.every((m: Json) => m.operating_status === 'ERROR');
    });
    assert.deepEqual(await answers('down.lb.example.org'), [
      'down.lb.example.org. 5 IN A 127.0.0.41',
      'down.lb.example.org. 5 IN A 127.0.0.42',
    ]);
  });
});
