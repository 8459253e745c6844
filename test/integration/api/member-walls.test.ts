import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json } from './harness.ts';

const refused = (field: string, address: string, reason: string) =>
  `Validation failure: member ${field} ${address} is not allowed: ${reason}.`;
const LINK_LOCAL = 'it is a link-local address, where cloud metadata services answer';
const LOOPBACK = "it is a loopback address, which leads to the load balancer's own host";

describe('member walls with noauth defaults', () => {
  let h: Harness;
  let lb: Json;
  let pool: Json;

  before(async () => {
    h = await Harness.start();
    ({ lb, pool } = await h.createTree());
  });
  after(() => h.close());

  const create = (member: Json) => h.post(`pools/${pool.id}/members`, { member });

  test('loopback members stay allowed: one trusted user on one machine', async () => {
    await h.createMember(lb.id, pool.id, { address: '127.0.0.21', protocol_port: 8080 });
  });

  test("a member at weir's own API address and port is refused", async () => {
    assertFault(
      await create({ address: '127.0.0.1', protocol_port: h.apiPort }),
      400,
      refused('address', '127.0.0.1', `port ${h.apiPort} there is weir's API`),
    );
    assertFault(await create({ address: '::ffff:127.0.0.1', protocol_port: h.apiPort }), 400, /weir's API/);
    assertFault(
      await create({
        address: '127.0.0.22',
        protocol_port: 8080,
        monitor_address: '127.0.0.1',
        monitor_port: h.apiPort,
      }),
      400,
      refused('monitor_address', '127.0.0.1', `port ${h.apiPort} there is weir's API`),
    );
  });

  test('the metadata service, link-local, unspecified, multicast and broadcast addresses are refused', async () => {
    const cases: [string, string | RegExp][] = [
      ['169.254.169.254', refused('address', '169.254.169.254', LINK_LOCAL)],
      ['::ffff:169.254.169.254', refused('address', '::ffff:a9fe:a9fe', LINK_LOCAL)],
      ['fe80::1', /link-local/],
      ['0.0.0.0', refused('address', '0.0.0.0', 'it is an unspecified address')],
      ['::', /unspecified/],
      ['224.0.0.1', refused('address', '224.0.0.1', 'it is a multicast address')],
      ['ff02::1', /multicast/],
      ['255.255.255.255', refused('address', '255.255.255.255', 'it is the broadcast address')],
    ];
    for (const [address, faultstring] of cases) {
      assertFault(await create({ address, protocol_port: 80 }), 400, faultstring);
    }
  });

  test('socket members are refused when no directory is configured', async () => {
    assertFault(
      await create({ address: 'unix:/run/weir-members/app.sock', protocol_port: 80 }),
      400,
      refused('address', 'unix:/run/weir-members/app.sock', 'Unix socket members are not enabled here'),
    );
  });

  test("a malformed address keeps Octavia's wording", async () => {
    assertFault(
      await create({ address: 'abc', protocol_port: 80 }),
      400,
      "Invalid input for field/attribute address. Value: 'abc'. Value should be IPv4 or IPv6 format",
    );
  });
});

describe('member walls configured by the operator', () => {
  let h: Harness;
  let lb: Json;
  let pool: Json;

  before(async () => {
    h = await Harness.start({
      yaml: [
        'tenancy:',
        '  allow_loopback_members: false',
        '  denied_member_cidrs: [10.250.0.0/16, "2001:db8:dead::/48"]',
        '  unix_socket_directories: [/run/weir-members/]',
      ].join('\n'),
    });
    ({ lb, pool } = await h.createTree());
  });
  after(() => h.close());

  const create = (member: Json) => h.post(`pools/${pool.id}/members`, { member });
  const batch = (members: Json[]) => h.put(`pools/${pool.id}/members`, { members });
  const addresses = async () =>
    (await h.get(`pools/${pool.id}/members`)).body.members.map((m: Json) => `${m.address}:${m.protocol_port}`).sort();

  test('create refuses loopback, v4-mapped loopback and denied networks, naming the address', async () => {
    assertFault(
      await create({ address: '127.0.0.1', protocol_port: 80 }),
      400,
      refused('address', '127.0.0.1', LOOPBACK),
    );
    assertFault(await create({ address: '::1', protocol_port: 80 }), 400, refused('address', '::1', LOOPBACK));
    assertFault(
      await create({ address: '::ffff:127.0.0.1', protocol_port: 80 }),
      400,
      refused('address', '::ffff:7f00:1', LOOPBACK),
    );
    assertFault(
      await create({ address: '10.250.3.4', protocol_port: 80 }),
      400,
      refused('address', '10.250.3.4', 'it lies in 10.250.0.0/16, a network members may not reach'),
    );
    assertFault(await create({ address: '2001:db8:dead::7', protocol_port: 80 }), 400, /2001:db8:dead::\/48/);
    assertFault(
      await create({ address: '10.0.0.5', protocol_port: 80, monitor_address: '127.0.0.1' }),
      400,
      refused('monitor_address', '127.0.0.1', LOOPBACK),
    );
    assert.deepEqual(await addresses(), []);
  });

  test('create accepts what no wall holds, the address normalised', async () => {
    const member = await h.createMember(lb.id, pool.id, { address: '10.251.0.1', protocol_port: 80 });
    assert.equal(member.address, '10.251.0.1');
    const v6 = await h.createMember(lb.id, pool.id, { address: '2001:DB8:BEEF::0:1', protocol_port: 80 });
    assert.equal(v6.address, '2001:db8:beef::1');
  });

  test('update refuses a walled monitor address and accepts an allowed one', async () => {
    const member = await h.createMember(lb.id, pool.id, { address: '10.251.0.2', protocol_port: 81 });
    const path = `pools/${pool.id}/members/${member.id}`;
    assertFault(
      await h.put(path, { member: { monitor_address: '169.254.169.254' } }),
      400,
      refused('monitor_address', '169.254.169.254', LINK_LOCAL),
    );
    assertFault(await h.put(path, { member: { monitor_address: '::ffff:10.250.0.9' } }), 400, /10\.250\.0\.0\/16/);
    const ok = await h.put(path, { member: { monitor_address: '10.251.0.3', monitor_port: 9000 } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.member.monitor_address, '10.251.0.3');
    await h.waitActive(lb.id);
  });

  test('batch update refuses the whole batch when one member is walled, and applies an allowed one', async () => {
    const before = await addresses();
    assertFault(
      await batch([
        { address: '10.251.0.1', protocol_port: 80 },
        { address: '169.254.169.254', protocol_port: 80 },
      ]),
      400,
      refused('address', '169.254.169.254', LINK_LOCAL),
    );
    assertFault(
      await batch([{ address: '10.251.0.1', protocol_port: 80, monitor_address: '127.0.0.1' }]),
      400,
      /monitor_address 127\.0\.0\.1/,
    );
    assert.deepEqual(await addresses(), before);
    const reply = await batch([
      { address: '10.251.0.1', protocol_port: 80 },
      { address: 'unix:/run/weir-members/batch.sock', protocol_port: 80 },
    ]);
    assert.equal(reply.status, 202, reply.text);
    await h.waitActive(lb.id);
    assert.deepEqual(await addresses(), ['10.251.0.1:80', 'unix:/run/weir-members/batch.sock:80']);
  });

  describe('Unix socket members', () => {
    const socket = 'unix:/run/weir-members/app.sock';

    test('are created under an allowed directory, normalised, and carried through views, lists and filters', async () => {
      const member = await h.createMember(lb.id, pool.id, {
        address: 'unix:/run/weir-members//./app.sock',
        protocol_port: 8080,
        subnet_id: h.subnetId,
      });
      assert.equal(member.address, socket);
      assert.equal(member.protocol_port, 8080);
      const shown = await h.get(`pools/${pool.id}/members/${member.id}`);
      assert.equal(shown.body.member.address, socket);
      const filtered = await h.get(`pools/${pool.id}/members?address=${encodeURIComponent(socket)}`);
      assert.deepEqual(
        filtered.body.members.map((m: Json) => m.id),
        [member.id],
      );
      const sorted = await h.get(`pools/${pool.id}/members?sort=address:desc`);
      assert.equal(sorted.status, 200);
      assertFault(
        await create({ address: socket, protocol_port: 8080 }),
        409,
        `Another member on this pool is already using ip ${socket} on protocol_port 8080`,
      );
      const renamed = await h.put(`pools/${pool.id}/members/${member.id}`, { member: { name: 'app', weight: 5 } });
      assert.equal(renamed.status, 200, renamed.text);
      await h.waitActive(lb.id);
    });

    test('are refused outside the directories, with .., relative or with a trailing slash', async () => {
      const cases: [string, string][] = [
        ['unix:/run/weir-members-evil/app.sock', 'the socket path is not under /run/weir-members'],
        ['unix:/run/weir-members/../docker.sock', 'the socket path contains ..'],
        ['unix:run/weir-members/app.sock', 'the socket path is not absolute'],
        ['unix:/run/weir-members/app.sock/', 'the socket path ends in /, which names a directory'],
        ['unix:/var/run/docker.sock', 'the socket path is not under /run/weir-members'],
      ];
      for (const [address, reason] of cases) {
        assertFault(await create({ address, protocol_port: 80 }), 400, refused('address', address, reason));
      }
    });

    test('take no monitor address or port, on create or update', async () => {
      const message =
        'Validation failure: a Unix socket member cannot have a monitor_address or monitor_port; ' +
        'its health is checked on the socket itself.';
      assertFault(await create({ address: socket, protocol_port: 81, monitor_address: '10.0.0.5' }), 400, message);
      assertFault(await create({ address: socket, protocol_port: 81, monitor_port: 9000 }), 400, message);
      const member = await h.createMember(lb.id, pool.id, { address: socket, protocol_port: 82 });
      const path = `pools/${pool.id}/members/${member.id}`;
      assertFault(await h.put(path, { member: { monitor_address: '10.0.0.5' } }), 400, message);
      const cleared = await h.put(path, { member: { monitor_address: null, monitor_port: null } });
      assert.equal(cleared.status, 200, cleared.text);
      await h.waitActive(lb.id);
    });

    test('a health monitor on their pool does not upset the reconciler', async () => {
      await h.createHm(lb.id, pool.id, { type: 'TCP' });
      assert.deepEqual(h.errors, []);
    });
  });
});
