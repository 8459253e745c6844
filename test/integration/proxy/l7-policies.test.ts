/**
 * L7 policies on the proxy provider through the real API, on real sockets: two members (one behind the listener's
 * default pool, one behind a pool only a policy names) answer with their name and the target they got, and
 * clients write exact bytes, HTTP/1.1 (the fast path) and HTTP/1.0 (the general path), to see each answer and what
 * becomes of the connection.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Harness, type Json } from '../api/harness.ts';

const PORT = 8090;

async function namedMember(name: string, address: string): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    request.resume();
    const text = `${name} ${request.url}`;
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
  server.listen(0, address);
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

/** Writes `bytes` on a new connection and reads until the proxy closes it (bounded: 10 s). */
function exchange(host: string, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: PORT });
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no end after 10 s; read: ${answer.slice(0, 200)}`)));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(bytes);
  });
}

/** The answers in what a connection carried: status, fields (lower case) and body, in order. */
function answers(text: string): { status: number; fields: Record<string, string>; body: string }[] {
  const out: { status: number; fields: Record<string, string>; body: string }[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    assert.ok(end > 0, `an answer head in ${JSON.stringify(rest.slice(0, 200))}`);
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const fields: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      fields[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(fields['content-length'] ?? rest.length - end - 4);
    out.push({ status: Number(statusLine!.split(' ')[1]), fields, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

/** One request that ends its connection, on the fast path (HTTP/1.1) or the general path (HTTP/1.0). */
async function ask(
  host: string,
  target: string,
  version: '1.1' | '1.0',
  fields: Record<string, string> = {},
): Promise<{ status: number; fields: Record<string, string>; body: string }> {
  let head = `GET ${target} HTTP/${version}\r\nhost: ${fields.host ?? 'www.example.com'}\r\nconnection: close\r\n`;
  for (const [name, value] of Object.entries(fields)) if (name !== 'host') head += `${name}: ${value}\r\n`;
  const all = answers(await exchange(host, `${head}\r\n`));
  assert.equal(all.length, 1);
  return all[0]!;
}

const VERSIONS = ['1.1', '1.0'] as const;

describe('proxy provider: L7 policies', () => {
  let h: Harness;
  let lb: Json;
  let listener: Json;
  let other: Json;
  const members: { server: Server; port: number }[] = [];

  before(async () => {
    h = await Harness.start();
    members.push(await namedMember('default', '127.0.0.51'), await namedMember('other', '127.0.0.52'));
    lb = await h.createLb({ provider: 'proxy' });
    listener = await h.createListener(lb.id, { protocol_port: PORT });
    const main = await h.createPool(lb.id, { listener_id: listener.id });
    await h.createMember(lb.id, main.id, { address: '127.0.0.51', protocol_port: members[0]!.port });
    // Named by policies only: no listener has it as its default pool.
    other = await h.createPool(lb.id);
    await h.createMember(lb.id, other.id, { address: '127.0.0.52', protocol_port: members[1]!.port });
  });
  after(async () => {
    await h.close();
    for (const m of members) m.server.close();
  });

  /** Runs `body` with the policies made of `specs` ([policy fields, its rules]) on the listener, then removes them. */
  async function withPolicies(specs: [Json, Json[]][], body: () => Promise<void>): Promise<void> {
    const created: string[] = [];
    for (const [policy, rules] of specs) {
      const made = await h.createL7Policy(lb.id, listener.id, policy);
      created.push(made.id);
      for (const rule of rules) await h.createRule(lb.id, made.id, rule);
    }
    try {
      await body();
    } finally {
      for (const id of created) {
        assert.equal((await h.del(`l7policies/${id}`)).status, 204);
        await h.waitActive(lb.id);
      }
    }
  }

  const toOther = (rule: Json): [Json, Json[]][] => [
    [{ action: 'REDIRECT_TO_POOL', redirect_pool_id: other.id }, [rule]],
  ];

  /** Asserts which member each request reaches, on both paths. */
  async function routes(requests: [string, Record<string, string>, 'default' | 'other'][]): Promise<void> {
    for (const version of VERSIONS) {
      for (const [target, fields, member] of requests) {
        const answer = await ask(lb.vip_address, target, version, fields);
        assert.equal(answer.status, 200, `HTTP/${version} ${target} ${JSON.stringify(fields)}`);
        assert.equal(answer.body, `${member} ${target}`, `HTTP/${version} ${target} ${JSON.stringify(fields)}`);
      }
    }
  }

  test('REDIRECT_TO_POOL by HOST_NAME, case aside; without a match the default pool', async () => {
    await withPolicies(toOther({ type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: 'api.example.com' }), () =>
      routes([
        ['/a', { host: 'API.example.com' }, 'other'],
        ['/a', { host: 'www.example.com' }, 'default'],
      ]),
    );
  });

  test('REDIRECT_TO_POOL by PATH, and inverted', async () => {
    await withPolicies(toOther({ type: 'PATH', compare_type: 'STARTS_WITH', value: '/api/' }), () =>
      routes([
        ['/api/v1?x=1', {}, 'other'],
        ['/web/api/', {}, 'default'],
      ]),
    );
    await withPolicies(toOther({ type: 'PATH', compare_type: 'STARTS_WITH', value: '/api/', invert: true }), () =>
      routes([
        ['/api/v1', {}, 'default'],
        ['/web', {}, 'other'],
      ]),
    );
  });

  test('REDIRECT_TO_POOL by FILE_TYPE', async () => {
    await withPolicies(toOther({ type: 'FILE_TYPE', compare_type: 'REGEX', value: '\\.(jpg|png)$' }), () =>
      routes([
        ['/img/a.png?w=2', {}, 'other'],
        ['/a.png.html', {}, 'default'],
      ]),
    );
  });

  test('REDIRECT_TO_POOL by HEADER and by COOKIE, rules ANDed', async () => {
    const rules = [
      { type: 'HEADER', compare_type: 'CONTAINS', key: 'X-Tier', value: 'gold' },
      { type: 'COOKIE', compare_type: 'EQUAL_TO', key: 'group', value: 'beta' },
    ];
    await withPolicies([[{ action: 'REDIRECT_TO_POOL', redirect_pool_id: other.id }, rules]], () =>
      routes([
        ['/', { 'x-tier': 'goldish', cookie: 'a=1; group=beta' }, 'other'],
        ['/', { 'x-tier': 'goldish', cookie: 'group=alpha' }, 'default'],
        ['/', { cookie: 'group=beta' }, 'default'],
      ]),
    );
  });

  test('SSL_* rules on a connection without TLS: no certificate, so only their inversions match', async () => {
    await withPolicies(toOther({ type: 'SSL_CONN_HAS_CERT', compare_type: 'EQUAL_TO', value: 'True' }), () =>
      routes([['/', {}, 'default']]),
    );
    await withPolicies(
      toOther({ type: 'SSL_CONN_HAS_CERT', compare_type: 'EQUAL_TO', value: 'True', invert: true }),
      () => routes([['/', {}, 'other']]),
    );
    await withPolicies(toOther({ type: 'SSL_VERIFY_RESULT', compare_type: 'EQUAL_TO', value: '0' }), () =>
      routes([['/', {}, 'default']]),
    );
    await withPolicies(
      toOther({ type: 'SSL_DN_FIELD', compare_type: 'EQUAL_TO', key: 'CN', value: 'client', invert: true }),
      () => routes([['/', {}, 'other']]),
    );
  });

  test('REJECT: 403 and the connection ends, on both paths; REJECT goes before REDIRECT_TO_POOL', async () => {
    const specs: [Json, Json[]][] = [
      [{ action: 'REDIRECT_TO_POOL', redirect_pool_id: other.id, position: 1 }, [{ value: '/' }]],
      [{ action: 'REJECT', position: 2 }, [{ type: 'PATH', compare_type: 'STARTS_WITH', value: '/admin' }]],
    ];
    await withPolicies(specs, async () => {
      for (const version of VERSIONS) {
        const text = await exchange(
          lb.vip_address,
          `GET /admin/x HTTP/${version}\r\nhost: a\r\n\r\nGET /next HTTP/${version}\r\nhost: a\r\n\r\n`,
        );
        const all = answers(text);
        assert.equal(all.length, 1, `HTTP/${version}: ${text}`);
        assert.equal(all[0]!.status, 403);
        assert.equal(all[0]!.fields.connection, 'close');
        assert.equal((await ask(lb.vip_address, '/next', version)).body, 'other /next');
      }
    });
  });

  test('REDIRECT_TO_URL: 302 by default, the connection kept for the next request', async () => {
    const specs: [Json, Json[]][] = [
      [
        { action: 'REDIRECT_TO_URL', redirect_url: 'https://www.example.com/moved' },
        [{ type: 'PATH', compare_type: 'EQUAL_TO', value: '/old' }],
      ],
    ];
    await withPolicies(specs, async () => {
      const text = await exchange(
        lb.vip_address,
        'GET /old HTTP/1.1\r\nhost: a\r\n\r\nGET /old HTTP/1.1\r\nhost: a\r\n\r\nGET /new HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n',
      );
      const [first, second, third] = answers(text);
      assert.deepEqual(
        [first!.status, first!.fields.location, first!.fields['content-length']],
        [302, 'https://www.example.com/moved', '0'],
      );
      assert.equal(first!.fields.connection, undefined);
      assert.equal(second!.status, 302);
      assert.equal(third!.body, 'default /new');
      const general = await ask(lb.vip_address, '/old', '1.0');
      assert.deepEqual([general.status, general.fields.location], [302, 'https://www.example.com/moved']);
    });
  });

  test('REDIRECT_PREFIX with redirect_http_code: the prefix, then the path and query', async () => {
    const specs: [Json, Json[]][] = [
      [
        { action: 'REDIRECT_PREFIX', redirect_prefix: 'https://secure.example.com', redirect_http_code: 308 },
        [{ type: 'HOST_NAME', compare_type: 'ENDS_WITH', value: 'example.org' }],
      ],
    ];
    await withPolicies(specs, async () => {
      for (const version of VERSIONS) {
        const answer = await ask(lb.vip_address, '/a/b?c=d', version, { host: 'www.example.org' });
        assert.deepEqual([answer.status, answer.fields.location], [308, 'https://secure.example.com/a/b?c=d']);
      }
    });
  });

  test('a redirect with a request body left unread ends the connection', async () => {
    const specs: [Json, Json[]][] = [
      [{ action: 'REDIRECT_TO_URL', redirect_url: 'https://a.example/' }, [{ value: '/' }]],
    ];
    await withPolicies(specs, async () => {
      const text = await exchange(
        lb.vip_address,
        'POST /x HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\n\r\nhelloGET /y HTTP/1.1\r\nhost: a\r\n\r\n',
      );
      const all = answers(text);
      assert.equal(all.length, 1, text);
      assert.deepEqual([all[0]!.status, all[0]!.fields.connection], [302, 'close']);
    });
  });

  test('a hostile pattern and input stall no worker: the request is answered, and so is the next', async () => {
    const specs: [Json, Json[]][] = [
      [
        { action: 'REDIRECT_TO_POOL', redirect_pool_id: other.id },
        [
          { type: 'PATH', compare_type: 'REGEX', value: '^/(a+)+$' },
          { type: 'HEADER', compare_type: 'REGEX', key: 'x-long', value: '^(a|aa)+$' },
        ],
      ],
    ];
    await withPolicies(specs, async () => {
      // As long as a head may be (16 KiB): a backtracking engine would not finish these in a lifetime.
      const path = `/${'a'.repeat(7_000)}!`;
      const header = `${'a'.repeat(7_000)}!`;
      for (const version of VERSIONS) {
        const started = Date.now();
        const answer = await ask(lb.vip_address, path, version, { 'x-long': header });
        assert.equal(answer.body, `default ${path}`);
        const matching = `/${'a'.repeat(7_000)}`;
        const matched = await ask(lb.vip_address, matching, version, { 'x-long': 'a'.repeat(7_000) });
        assert.equal(matched.body, `other ${matching}`);
        assert.equal((await ask(lb.vip_address, '/next', version)).body, 'default /next');
        assert.ok(Date.now() - started < 5_000, `answered after ${Date.now() - started} ms`);
      }
    });
  });

  test('the API refuses a pattern that cannot run in linear time, and an invalid one, with 400', async () => {
    const policy = await h.createL7Policy(lb.id, listener.id, { action: 'REJECT' });
    try {
      for (const [value, reason] of [
        ['^(a)\\1$', 'it cannot be run in linear time'],
        ['^/(?=x)', 'it cannot be run in linear time'],
        ['^/(x', 'Unterminated group'],
      ]) {
        const reply = await h.post(`l7policies/${policy.id}/rules`, {
          rule: { type: 'PATH', compare_type: 'REGEX', value },
        });
        assert.equal(reply.status, 400);
        assert.ok(
          reply.body.faultstring.startsWith(`Error parsing L7Rule: Unable to parse regular expression: ${reason}`),
          reply.body.faultstring,
        );
      }
    } finally {
      await h.del(`l7policies/${policy.id}`);
      await h.waitActive(lb.id);
    }
  });
});
