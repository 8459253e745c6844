import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { assertFault, Harness, type Json, UNKNOWN_ID } from './harness.ts';

describe('pools, members, health monitors, L7 policies and rules', () => {
  let h: Harness;
  let lb: Json;
  let listener: Json;
  let pool: Json;

  before(async () => {
    h = await Harness.start();
    ({ lb, listener, pool } = await h.createTree());
  });
  after(() => h.close());

  const endpoints = async (poolId: string): Promise<string[]> => {
    const reply = await h.get(`pools/${poolId}/members`);
    assert.equal(reply.status, 200);
    return reply.body.members.map((m: Json) => `${m.address}:${m.protocol_port}`).sort();
  };

  describe('pools', () => {
    test('create answers 201 and the listener gets it as default pool (captures 20, 22)', async () => {
      assert.equal(pool.protocol, 'HTTP');
      assert.equal(pool.lb_algorithm, 'ROUND_ROBIN');
      assert.deepEqual(pool.listeners, [{ id: listener.id }]);
      assert.deepEqual(pool.loadbalancers, [{ id: lb.id }]);
      const got = await h.get(`listeners/${listener.id}`);
      assert.equal(got.body.listener.default_pool_id, pool.id);
    });

    test("tls_enabled pools get Octavia's defaults for the TLS fields left out, and its list checks", async () => {
      const post = (fields: Json) =>
        h.post('pools', { pool: { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', ...fields } });
      const created = await post({ tls_enabled: true, tls_versions: ['TLSv1.3'] });
      assert.equal(created.status, 201);
      await h.waitActive(lb.id);
      const tls = created.body.pool;
      assert.deepEqual(tls.tls_versions, ['TLSv1.3']);
      assert.deepEqual(tls.alpn_protocols, ['h2', 'http/1.1', 'http/1.0']);
      assert.match(tls.tls_ciphers, /^TLS_AES_256_GCM_SHA384:.*:ECDHE-RSA-AES128-SHA256$/);
      // Without TLS the lists are not checked, nor filled.
      const plain = await post({ tls_versions: ['TLSv9'] });
      assert.equal(plain.status, 201);
      await h.waitActive(lb.id);
      assert.deepEqual([plain.body.pool.tls_ciphers, plain.body.pool.alpn_protocols], [null, null]);
      assertFault(
        await post({ tls_enabled: true, tls_versions: ['TLSv9'] }),
        400,
        'Validation failure: Invalid TLS versions: TLSv9',
      );
      assertFault(
        await post({ tls_enabled: true, tls_versions: [] }),
        400,
        'Validation failure: Empty TLS version list. Either specify at least one TLS version or remove this parameter to use the default.',
      );
      assertFault(
        await post({ alpn_protocols: ['spdy'] }),
        400,
        "Invalid input for field/attribute alpn_protocols. Value: '['spdy']'. Value should be a valid ALPN protocol ID",
      );
      assertFault(
        await post({ tls_enabled: true, alpn_protocols: [] }),
        400,
        'Validation failure: Empty ALPN protocol list. Either specify at least one ALPN protocol or remove this parameter to use the default.',
      );
      // An update checks the lists it is given, TLS or not, and fills nothing.
      assertFault(
        await h.put(`pools/${plain.body.pool.id}`, { pool: { tls_versions: [] } }),
        400,
        'Validation failure: Empty TLS version list. Either specify at least one TLS version or remove this parameter to use the default.',
      );
      const enabled = await h.put(`pools/${plain.body.pool.id}`, { pool: { tls_enabled: true } });
      assert.equal(enabled.status, 200);
      assert.equal(enabled.body.pool.tls_ciphers, null);
      await h.waitActive(lb.id);
      // A null version list or cipher string puts Octavia's defaults back; a null ALPN list stays null, as there.
      const reset = await h.put(`pools/${tls.id}`, {
        pool: { tls_versions: null, tls_ciphers: null, alpn_protocols: null },
      });
      assert.equal(reset.status, 200, reset.text);
      await h.waitActive(lb.id);
      const stored = (await h.get(`pools/${tls.id}`)).body.pool;
      assert.deepEqual(stored.tls_versions, ['TLSv1.2', 'TLSv1.3']);
      assert.equal(stored.tls_ciphers, tls.tls_ciphers);
      assert.equal(stored.alpn_protocols, null);
      for (const id of [tls.id, plain.body.pool.id]) {
        assert.equal((await h.del(`pools/${id}`)).status, 204);
        await h.waitActive(lb.id);
      }
    });

    test('validation answers Octavia text (captures 124-131, 139)', async () => {
      const post = (body: Json) => h.post('pools', { pool: body });
      assertFault(
        await post({ loadbalancer_id: lb.id, protocol: 'HTTP' }),
        400,
        "Invalid input for field/attribute lb_algorithm. Value: 'None'. Mandatory field missing.",
      );
      assertFault(
        await post({ loadbalancer_id: lb.id, lb_algorithm: 'ROUND_ROBIN' }),
        400,
        "Invalid input for field/attribute protocol. Value: 'None'. Mandatory field missing.",
      );
      assertFault(
        await post({ protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }),
        400,
        'Validation failure: Must provide at least one of: loadbalancer_id, listener_id',
      );
      assertFault(
        await post({ protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', listener_id: listener.id }),
        409,
        'This listener already has a default pool',
      );
      const persistenceFaults: [string, Json, string][] = [
        [
          'HTTP',
          { type: 'APP_COOKIE' },
          'Validation failure: Field "cookie_name" must be specified when using the "APP_COOKIE" session persistence type.',
        ],
        [
          'HTTP',
          { type: 'SOURCE_IP', cookie_name: 'c' },
          'Validation failure: Field "cookie_name" can only be specified with session persistence of type "APP_COOKIE".',
        ],
        ['HTTP', { type: 'APP_COOKIE', cookie_name: 'a=b' }, 'Validation failure: Supplied "cookie_name" is invalid.'],
        [
          'UDP',
          { type: 'SOURCE_IP', persistence_granularity: '255.255.0' },
          "Invalid input for field/attribute persistence_granularity. Value: '255.255.0'. Value should be IPv4 or IPv6 format",
        ],
      ];
      for (const [protocol, persistence, fault] of persistenceFaults) {
        const pool = {
          loadbalancer_id: lb.id,
          protocol,
          lb_algorithm: 'ROUND_ROBIN',
          session_persistence: persistence,
        };
        assertFault(await post(pool), 400, fault);
      }
      assertFault(
        await post({ loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', foo: 1 }),
        400,
        'Unknown attribute for argument pool_.pool: foo',
      );
      assertFault(
        await post({ loadbalancer_id: UNKNOWN_ID, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }),
        404,
        `Load Balancer ${UNKNOWN_ID} not found.`,
      );
    });

    // Octavia checks the protocol pairing before the listener's existing default pool (captures 127, 128).
    test('TCP pool for an HTTP listener -> 400 even when the listener already has a default pool (capture 128)', async () => {
      assertFault(
        await h.post('pools', { pool: { protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', listener_id: listener.id } }),
        400,
        "Validation failure: The pool protocol 'TCP' is invalid while the listener protocol is 'HTTP'.",
      );
    });

    test('TCP pool for an HTTP listener without a default pool -> 400', async () => {
      const l = await h.createListener(lb.id, { protocol_port: 8070 });
      assertFault(
        await h.post('pools', { pool: { protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', listener_id: l.id } }),
        400,
        "Validation failure: The pool protocol 'TCP' is invalid while the listener protocol is 'HTTP'.",
      );
    });

    test('unknown listener_id -> 404, never 5xx (Octavia 11 answers 500 here, capture 136)', async () => {
      const reply = await h.post('pools', {
        pool: { protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', listener_id: UNKNOWN_ID },
      });
      assertFault(reply, 404, `Listener ${UNKNOWN_ID} not found.`);
    });

    test('each pool stores its own Maglev seed and the configured size; no response shows them, no PUT sets them', async () => {
      const sized = await Harness.start({ yaml: 'balancing:\n  maglev_table_size: 4099\n' });
      const db = new SQLite(join(sized.dir, 'weir.sqlite'), { readonly: true });
      try {
        const lb = await sized.createLb();
        const pools: [Json, Json] = [
          await sized.createPool(lb.id),
          await sized.createPool(lb.id, { lb_algorithm: 'SOURCE_IP' }),
        ];
        const stored = (id: string) =>
          JSON.parse((db.prepare('SELECT body FROM objects WHERE id = ?').get(id) as { body: string }).body);
        const [one, other] = pools.map((p) => stored(p.id));
        assert.equal(one.maglev_table_size, 4099);
        assert.equal(other.maglev_table_size, 4099);
        for (const seed of [one.maglev_seed, other.maglev_seed])
          assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32);
        assert.notEqual(one.maglev_seed, other.maglev_seed, 'a seed of its own (equal by chance once in 2^32)');

        const views = [
          pools[0],
          (await sized.get(`pools/${pools[0].id}`)).body.pool,
          ...(await sized.get('pools')).body.pools,
        ];
        for (const view of views)
          assert.ok(!('maglev_seed' in view) && !('maglev_table_size' in view), JSON.stringify(view));
        assertFault(await sized.get('pools?maglev_seed=1'), 400);
        assertFault(await sized.get('pools?sort=maglev_seed'), 400);

        for (const field of ['maglev_seed', 'maglev_table_size']) {
          const reply = await sized.put(`pools/${pools[0].id}`, { pool: { [field]: 7 } });
          assert.equal(reply.status, 400, field);
          const created = await sized.post('pools', {
            pool: { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', [field]: 7 },
          });
          assert.equal(created.status, 400, field);
        }
        const renamed = await sized.put(`pools/${pools[0].id}`, {
          pool: { name: 'renamed', lb_algorithm: 'SOURCE_IP_PORT' },
        });
        assert.equal(renamed.status, 200);
        assert.ok(!('maglev_seed' in renamed.body.pool));
        await sized.waitActive(lb.id);
        const after = stored(pools[0].id);
        assert.equal(after.name, 'renamed');
        assert.deepEqual([after.maglev_table_size, after.maglev_seed], [one.maglev_table_size, one.maglev_seed]);
      } finally {
        db.close();
        await sized.close();
      }
    });
  });

  describe('members', () => {
    test('create, duplicate -> 409 (capture 147), validation text (captures 140-146)', async () => {
      const p = await h.createPool(lb.id, { name: 'members-a' });
      const member = await h.createMember(lb.id, p.id, { address: '10.0.0.5', protocol_port: 8080 });
      assert.equal(member.weight, 1);
      assert.equal(member.backup, false);
      assert.equal(member.operating_status, 'NO_MONITOR');
      const post = (body: Json) => h.post(`pools/${p.id}/members`, { member: body });
      assertFault(
        await post({ address: '10.0.0.5', protocol_port: 8080 }),
        409,
        'Another member on this pool is already using ip 10.0.0.5 on protocol_port 8080',
      );
      assertFault(
        await post({ address: '10.0.0.20', protocol_port: 80, weight: 257 }),
        400,
        "Invalid input for field/attribute weight. Value: '257'. Value should be lower or equal to 256",
      );
      assertFault(
        await post({ address: 'abc', protocol_port: 80 }),
        400,
        "Invalid input for field/attribute address. Value: 'abc'. Value should be IPv4 or IPv6 format",
      );
      assertFault(
        await post({ address: '10.0.0.0/24', protocol_port: 80 }),
        400,
        "Invalid input for field/attribute address. Value: '10.0.0.0/24'. Value should be IPv4 or IPv6 format",
      );
      assertFault(
        await post({ protocol_port: 80 }),
        400,
        "Invalid input for field/attribute address. Value: 'None'. Mandatory field missing.",
      );
      assertFault(
        await post({ address: '10.0.0.20', protocol_port: 0 }),
        400,
        "Invalid input for field/attribute protocol_port. Value: '0'. Value should be greater or equal to 1",
      );
      assertFault(
        await h.post(`pools/${UNKNOWN_ID}/members`, { member: { address: '10.0.0.20', protocol_port: 80 } }),
        404,
        `Pool ${UNKNOWN_ID} not found.`,
      );
      assert.deepEqual(await endpoints(p.id), ['10.0.0.5:8080']);
    });

    test("PUT with weight or backup null puts Octavia's defaults back: weight 1, backup false", async () => {
      const p = await h.createPool(lb.id, { name: 'members-reset' });
      const member = await h.createMember(lb.id, p.id, { weight: 7, backup: true });
      const reply = await h.put(`pools/${p.id}/members/${member.id}`, { member: { weight: null, backup: null } });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.member.weight, 1);
      assert.equal(reply.body.member.backup, false);
      await h.waitActive(lb.id);
      const kept = await h.put(`pools/${p.id}/members/${member.id}`, { member: { name: 'renamed' } });
      assert.equal(kept.body.member.weight, 1, 'a PUT without weight keeps it');
    });

    test('batch PUT replaces the set: 202, then the list shows exactly the new set', async () => {
      const p = await h.createPool(lb.id, { name: 'batch-replace' });
      await h.createMember(lb.id, p.id, { address: '10.0.0.5', protocol_port: 80 });
      await h.createMember(lb.id, p.id, { address: '10.0.0.10', protocol_port: 80 });
      const reply = await h.put(`pools/${p.id}/members`, {
        members: [
          { address: '10.0.0.10', protocol_port: 80, weight: 9 },
          { address: '10.0.0.12', protocol_port: 80 },
        ],
      });
      assert.equal(reply.status, 202, reply.text);
      assert.equal(reply.text, '');
      await h.waitActive(lb.id);
      assert.deepEqual(await endpoints(p.id), ['10.0.0.10:80', '10.0.0.12:80']);
      const list = await h.get(`pools/${p.id}/members`);
      const ten = list.body.members.find((m: Json) => m.address === '10.0.0.10');
      assert.equal(ten.weight, 9);
      for (const m of list.body.members) assert.equal(m.provisioning_status, 'ACTIVE');
    });

    test('batch PUT with additive_only=true keeps the existing members', async () => {
      const p = await h.createPool(lb.id, { name: 'batch-additive' });
      await h.createMember(lb.id, p.id, { address: '10.0.0.5', protocol_port: 80 });
      const reply = await h.put(`pools/${p.id}/members?additive_only=true`, {
        members: [{ address: '10.0.0.13', protocol_port: 80 }],
      });
      assert.equal(reply.status, 202, reply.text);
      await h.waitActive(lb.id);
      assert.deepEqual(await endpoints(p.id), ['10.0.0.13:80', '10.0.0.5:80']);
    });

    test('empty batch PUT removes every member', async () => {
      const p = await h.createPool(lb.id, { name: 'batch-empty' });
      await h.createMember(lb.id, p.id, { address: '10.0.0.5', protocol_port: 80 });
      const reply = await h.put(`pools/${p.id}/members`, { members: [] });
      assert.equal(reply.status, 202, reply.text);
      await h.waitActive(lb.id);
      assert.deepEqual(await endpoints(p.id), []);
    });

    test('batch PUT with a bad member -> 400 (capture 465), unknown pool -> 404', async () => {
      const p = await h.createPool(lb.id, { name: 'batch-bad' });
      assertFault(
        await h.put(`pools/${p.id}/members`, { members: [{ address: 'abc', protocol_port: 80 }] }),
        400,
        "Invalid input for field/attribute address. Value: 'abc'. Value should be IPv4 or IPv6 format",
      );
      assertFault(await h.put(`pools/${UNKNOWN_ID}/members`, { members: [] }), 404, `Pool ${UNKNOWN_ID} not found.`);
      assert.equal((await h.get(`loadbalancers/${lb.id}`)).body.loadbalancer.provisioning_status, 'ACTIVE');
    });
  });

  describe('health monitors', () => {
    test('second monitor on a pool -> 409 (capture 156)', async () => {
      const p = await h.createPool(lb.id, { name: 'hm-second' });
      const hm = await h.createHm(lb.id, p.id);
      assert.equal(hm.http_method, 'GET');
      assert.equal(hm.url_path, '/');
      assert.equal(hm.expected_codes, '200');
      assertFault(
        await h.post('healthmonitors', {
          healthmonitor: { pool_id: p.id, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 },
        }),
        409,
        'This pool already has a health monitor',
      );
    });

    test("PUT with nulls puts Octavia's defaults back: method, path, codes on HTTP checks, retries down on all", async () => {
      const p = await h.createPool(lb.id, { name: 'hm-reset' });
      const hm = await h.createHm(lb.id, p.id, {
        http_method: 'HEAD',
        url_path: '/health',
        expected_codes: '204',
        max_retries_down: 5,
      });
      const nulls = { http_method: null, url_path: null, expected_codes: null, max_retries_down: null };
      const reply = await h.put(`healthmonitors/${hm.id}`, { healthmonitor: nulls });
      assert.equal(reply.status, 200, reply.text);
      const { http_method, url_path, expected_codes, max_retries_down } = reply.body.healthmonitor;
      assert.deepEqual([http_method, url_path, expected_codes, max_retries_down], ['GET', '/', '200', 3]);

      await h.waitActive(lb.id);
      const tcp = await h.createHm(lb.id, (await h.createPool(lb.id, { name: 'hm-reset-tcp', protocol: 'TCP' })).id, {
        type: 'TCP',
        max_retries_down: 5,
      });
      const tcpReply = await h.put(`healthmonitors/${tcp.id}`, { healthmonitor: { max_retries_down: null } });
      assert.equal(tcpReply.body.healthmonitor.max_retries_down, 3);
      assert.equal(tcpReply.body.healthmonitor.url_path, null, 'a TCP check has no path');
    });

    test('type checks against the pool (captures 164, 165, 173, 174) and ranges (157, 170-172)', async () => {
      const p = await h.createPool(lb.id, { name: 'hm-checks' });
      const post = (body: Json) =>
        h.post('healthmonitors', { healthmonitor: { pool_id: p.id, delay: 5, timeout: 3, max_retries: 3, ...body } });
      assertFault(
        await post({ type: 'UDP-CONNECT' }),
        400,
        'Validation failure: The UDP-CONNECT type is only supported for pools of type UDP/SCTP.',
      );
      assertFault(
        await post({ type: 'SCTP' }),
        400,
        'Validation failure: The SCTP type is only supported for pools of type UDP/SCTP.',
      );
      assertFault(
        await post({ type: 'TCP', http_method: 'GET' }),
        400,
        'http_method is not a valid option for health monitors of type TCP',
      );
      assertFault(
        await post({ type: 'TCP', url_path: '/x' }),
        400,
        'url_path is not a valid option for health monitors of type TCP',
      );
      assertFault(
        await post({ type: 'HTTP', max_retries: 11 }),
        400,
        "Invalid input for field/attribute max_retries. Value: '11'. Value should be lower or equal to 10",
      );
      assertFault(
        await h.post('healthmonitors', { healthmonitor: { pool_id: p.id, type: 'HTTP', timeout: 3, max_retries: 3 } }),
        400,
        "Invalid input for field/attribute delay. Value: 'None'. Mandatory field missing.",
      );
      assertFault(
        await h.post('healthmonitors', {
          healthmonitor: { pool_id: UNKNOWN_ID, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 },
        }),
        404,
        `Pool ${UNKNOWN_ID} not found.`,
      );
    });
  });

  describe('L7 policies and rules', () => {
    test('redirect validation (captures 179-183, 188, 189)', async () => {
      const post = (body: Json) => h.post('l7policies', { l7policy: { listener_id: listener.id, ...body } });
      assertFault(
        await post({ action: 'REDIRECT_TO_URL' }),
        400,
        'Invalid L7 Policy arguments: redirect_url must not be None',
      );
      assertFault(
        await post({ action: 'REDIRECT_TO_POOL' }),
        400,
        'Invalid L7 Policy arguments: redirect_pool_id or redirect_pool must not be None',
      );
      assertFault(
        await post({ action: 'REDIRECT_PREFIX' }),
        400,
        'Invalid L7 Policy arguments: redirect_prefix must not be None',
      );
      assertFault(
        await post({ action: 'REDIRECT_TO_URL', redirect_url: 'notaurl' }),
        400,
        "Invalid input for field/attribute redirect_url. Value: 'notaurl'. Value must be a valid URL string",
      );
      assertFault(
        await post({ action: 'REDIRECT_TO_POOL', redirect_pool_id: UNKNOWN_ID }),
        404,
        `Pool ${UNKNOWN_ID} not found.`,
      );
      assertFault(
        await post({ action: 'REJECT', position: 0 }),
        400,
        "Invalid input for field/attribute position. Value: '0'. Value should be greater or equal to 1",
      );
      assertFault(
        await h.post('l7policies', { l7policy: { listener_id: UNKNOWN_ID, action: 'REJECT' } }),
        404,
        `Listener ${UNKNOWN_ID} not found.`,
      );
      const ok = await h.createL7Policy(lb.id, listener.id, {
        action: 'REDIRECT_TO_URL',
        redirect_url: 'http://example.com/',
        redirect_http_code: 301,
      });
      assert.equal(ok.redirect_url, 'http://example.com/');
      assert.equal(ok.redirect_http_code, 301);
      assert.equal(ok.redirect_pool_id, null);
    });

    // Octavia's l7policy controller runs _validate_protocol on the redirect pool, on POST and on PUT alike.
    test("REDIRECT_TO_POOL to a pool the listener's protocol cannot use -> 400, on create and on update", async () => {
      const tcpPool = await h.createPool(lb.id, { protocol: 'TCP' });
      const refusal = "Validation failure: The pool protocol 'TCP' is invalid while the listener protocol is 'HTTP'.";
      const toTcp = { action: 'REDIRECT_TO_POOL', redirect_pool_id: tcpPool.id };
      assertFault(await h.post('l7policies', { l7policy: { listener_id: listener.id, ...toTcp } }), 400, refusal);
      const policy = await h.createL7Policy(lb.id, listener.id, {
        action: 'REDIRECT_TO_POOL',
        redirect_pool_id: pool.id,
      });
      assertFault(await h.put(`l7policies/${policy.id}`, { l7policy: toTcp }), 400, refusal);
      const kept = await h.get(`l7policies/${policy.id}`);
      assert.equal(kept.body.l7policy.redirect_pool_id, pool.id);
    });

    // Octavia's validate.url refuses controls, space, DEL and C1 controls before parsing (INVALID_URL_CHARS_RE);
    // WHATWG's URL parser would drop tabs and line breaks and accept the rest.
    test('a redirect URL or prefix with a control character or a space is refused, on create and update', async () => {
      const refused = [
        'http://a.example/x\r\nSet-Cookie: e=1',
        'http://a.example/\nX: y',
        'http://a.example/\tx',
        'http://a.example/a b',
        'http://a.example/\u007f',
        'http://a.example/\u0085',
        'http://a.example/\u0000',
      ];
      for (const url of refused) {
        for (const [action, field] of [
          ['REDIRECT_TO_URL', 'redirect_url'],
          ['REDIRECT_PREFIX', 'redirect_prefix'],
        ] as const) {
          assertFault(
            await h.post('l7policies', { l7policy: { listener_id: listener.id, action, [field]: url } }),
            400,
            `Invalid input for field/attribute ${field}. Value: '${url}'. Value must be a valid URL string`,
          );
        }
      }
      const policy = await h.createL7Policy(lb.id, listener.id, {
        action: 'REDIRECT_PREFIX',
        redirect_prefix: 'https://a.example',
      });
      assertFault(
        await h.put(`l7policies/${policy.id}`, { l7policy: { redirect_prefix: refused[0] } }),
        400,
        `Invalid input for field/attribute redirect_prefix. Value: '${refused[0]}'. Value must be a valid URL string`,
      );
      await h.waitActive(lb.id);
      assert.equal((await h.get(`l7policies/${policy.id}`)).body.l7policy.redirect_prefix, 'https://a.example');
    });

    test('positions: a policy inserted at 1 pushes the others down', async () => {
      const l = await h.createListener(lb.id, { protocol_port: 8090 });
      const a = await h.createL7Policy(lb.id, l.id, { name: 'a' });
      const b = await h.createL7Policy(lb.id, l.id, { name: 'b' });
      assert.equal(a.position, 1);
      assert.equal(b.position, 2);
      const c = await h.createL7Policy(lb.id, l.id, { name: 'c', position: 1 });
      assert.equal(c.position, 1);
      const positions = async () => {
        const list = await h.get(`l7policies?listener_id=${l.id}`);
        assert.equal(list.status, 200);
        return Object.fromEntries(list.body.l7policies.map((p: Json) => [p.name, p.position]));
      };
      assert.deepEqual(await positions(), { c: 1, a: 2, b: 3 });
      const moved = await h.put(`l7policies/${b.id}`, { l7policy: { position: 1 } });
      assert.equal(moved.status, 200, moved.text);
      await h.waitActive(lb.id);
      assert.deepEqual(await positions(), { b: 1, c: 2, a: 3 });
    });

    // Octavia's listener.l7policies is an ordering_list by position (models.Listener), so GET shows position order.
    test('a listener lists its L7 policies in position order', async () => {
      const l = await h.createListener(lb.id, { protocol_port: 8091 });
      const a = await h.createL7Policy(lb.id, l.id, { name: 'a' });
      const b = await h.createL7Policy(lb.id, l.id, { name: 'b', position: 1 });
      const listed = await h.get(`listeners/${l.id}`);
      assert.deepEqual(
        listed.body.listener.l7policies.map((p: Json) => p.id),
        [b.id, a.id],
      );
    });

    test('rules: key required for HEADER/COOKIE, bad regex, bad value (captures 191-199, 202)', async () => {
      const policy = await h.createL7Policy(lb.id, listener.id, { name: 'rules' });
      const post = (body: Json) => h.post(`l7policies/${policy.id}/rules`, { rule: body });
      assertFault(
        await post({ type: 'HEADER', compare_type: 'EQUAL_TO', value: '/x' }),
        400,
        'Error parsing L7Rule: Invalid L7 Rule: L7 rule type requires a key',
      );
      assertFault(
        await post({ type: 'COOKIE', compare_type: 'EQUAL_TO', value: '/x' }),
        400,
        'Error parsing L7Rule: Invalid L7 Rule: L7 rule type requires a key',
      );
      const regex = await post({ type: 'PATH', compare_type: 'REGEX', value: '[' });
      assertFault(regex, 400, /^Error parsing L7Rule: Unable to parse regular expression/);
      // A pattern whose work per character of a value is unbounded in practice: refused, saying why.
      assertFault(
        await post({ type: 'HEADER', key: 'X-Env', compare_type: 'REGEX', value: `${'.*'.repeat(120)}x` }),
        400,
        'Error parsing L7Rule: Unable to parse regular expression: it is too costly to run: up to 1082 steps per ' +
          'character of a request value, at most 64 are allowed (anchor it with ^, drop a leading .*, or use fewer ' +
          'repetitions, alternatives and classes)',
      );
      assertFault(
        await post({ type: 'PATH', compare_type: 'EQUAL_TO', value: '/a b' }),
        400,
        'Error parsing L7Rule: Invalid characters in comparison value',
      );
      assertFault(
        await post({ type: 'FILE_TYPE', compare_type: 'STARTS_WITH', value: 'jpg' }),
        400,
        'Error parsing L7Rule: Invalid L7 Rule: invalid comparison type for rule type',
      );
      assertFault(
        await post({ type: 'PATH', compare_type: 'EQUAL_TO' }),
        400,
        "Invalid input for field/attribute value. Value: 'None'. Mandatory field missing.",
      );
      assertFault(
        await h.post(`l7policies/${UNKNOWN_ID}/rules`, {
          rule: { type: 'PATH', compare_type: 'EQUAL_TO', value: '/x' },
        }),
        404,
      );
      const rule = await h.createRule(lb.id, policy.id, {
        type: 'HEADER',
        key: 'X-Env',
        compare_type: 'EQUAL_TO',
        value: 'prod',
      });
      assert.equal(rule.key, 'X-Env');
      assert.equal(rule.invert, false);
      const got = await h.get(`l7policies/${policy.id}`);
      assert.deepEqual(got.body.l7policy.rules, [{ id: rule.id }]);
      // The costliest accepted, and ordinary patterns, go through.
      for (const value of ['a{7}x', '\\.(jpg|png)$', '^/api/v[0-9]+/.*']) {
        const accepted = await post({ type: 'PATH', compare_type: 'REGEX', value });
        assert.equal(accepted.status, 201, accepted.text);
        await h.waitActive(lb.id);
      }
    });

    // Checked against Octavia 11: its 51st rule on a policy is refused whatever the quota; a bad one is a 400 first.
    test('a policy holds at most 50 rules -> 409; another policy on the listener still takes rules', async () => {
      const full = await h.createL7Policy(lb.id, listener.id, { name: 'fifty rules' });
      for (let i = 0; i < 50; i++) await h.createRule(lb.id, full.id, { value: `/r${i}` });
      const post = (policyId: string, body: Json) => h.post(`l7policies/${policyId}/rules`, { rule: body });
      assertFault(
        await post(full.id, { type: 'PATH', compare_type: 'EQUAL_TO', value: '/x' }),
        409,
        `Too many rules on L7 policy ${full.id}`,
      );
      assertFault(
        await post(full.id, { type: 'HEADER', compare_type: 'EQUAL_TO', value: '/x' }),
        400,
        'Error parsing L7Rule: Invalid L7 Rule: L7 rule type requires a key',
      );
      const other = await h.createL7Policy(lb.id, listener.id, { name: 'other' });
      await h.createRule(lb.id, other.id);
    });

    test("the project's quotas for L7 policies and rules -> 403, Octavia's text", async () => {
      const policy = await h.createL7Policy(lb.id, listener.id, { name: 'before the quota' });
      const quota = `quotas/${lb.project_id}`;
      assert.equal((await h.put(quota, { quota: { l7policy: 0, l7rule: 0 } })).status, 202);
      try {
        assertFault(
          await h.post('l7policies', { l7policy: { listener_id: listener.id, action: 'REJECT' } }),
          403,
          'Quota has been met for resources: L7 Policy',
        );
        assertFault(
          await h.post(`l7policies/${policy.id}/rules`, {
            rule: { type: 'PATH', compare_type: 'EQUAL_TO', value: '/x' },
          }),
          403,
          'Quota has been met for resources: L7 Rule',
        );
      } finally {
        await h.del(quota);
      }
      await h.createRule(lb.id, policy.id);
    });
  });
});
