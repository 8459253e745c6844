/**
 * `weir export`, `weir diff -f` and `weir apply -f` against a weir on loopback (noop provider unless a test names
 * proxy). What the API was asked to write is read from weir's audit trail (every POST, PUT and DELETE, in order), so
 * "no write" and "only these writes" are facts about the server, not about the client's own account.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse, parseDocument } from 'yaml';
import { Harness, type Json } from '../api/harness.ts';
import { WeirCli } from './support/in-process-cli.ts';

let h: Harness;
let cli: WeirCli;

before(async () => {
  h = await Harness.start();
  cli = new WeirCli({ OS_ENDPOINT: h.base });
});
after(() => h.close());

/** The writes the API served since `mark` (an earlier length of the trail): `POST /v2/lbaas/pools 201`. */
function auditTrail(): Json[] {
  return readFileSync(join(h.dir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Json);
}
const writesSince = (mark: number): string[] =>
  auditTrail()
    .slice(mark)
    .map((entry) => `${entry.method} ${entry.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID')} ${entry.status}`);

let files = 0;
/** Writes the text to a file of its own in the harness's directory and returns the path. */
function fileWith(text: string): string {
  const path = join(h.dir, `file-${++files}.yaml`);
  writeFileSync(path, text);
  return path;
}

async function tree(lbName: string): Promise<Json> {
  const [lb] = (await h.get(`loadbalancers?name=${lbName}`)).body.loadbalancers;
  return (await h.get(`loadbalancers/${lb.id}/status`)).body.statuses.loadbalancer;
}

test('export then apply is a no-op: diff finds nothing and the API is asked to write nothing', async () => {
  // Built with the API's own calls, with settings off their defaults all over the tree.
  const lb = await h.createLb({ name: 'shop', description: 'front', tags: ['prod', 'eu'] });
  const listener = await h.createListener(lb.id, {
    name: 'http',
    connection_limit: 500,
    insert_headers: { 'X-Forwarded-For': 'true' },
    timeout_client_data: 30000,
    allowed_cidrs: ['10.0.0.0/8'],
  });
  const app = await h.createPool(lb.id, {
    name: 'app',
    listener_id: listener.id,
    session_persistence: { type: 'APP_COOKIE', cookie_name: 'sid' },
  });
  const api = await h.createPool(lb.id, { name: 'api', protocol: 'PROXY', lb_algorithm: 'SOURCE_IP' });
  await h.createMember(lb.id, app.id, { address: '10.0.0.11', weight: 5, backup: true, name: 'a' });
  await h.createMember(lb.id, app.id, { address: '2001:db8::12', protocol_port: 8443, monitor_port: 9000 });
  await h.createHm(lb.id, app.id, { type: 'HTTP', url_path: '/health', expected_codes: '200-204' });
  await h.createHm(lb.id, api.id, { type: 'TCP', max_retries_down: 5 });
  const toApi = await h.createL7Policy(lb.id, listener.id, { action: 'REDIRECT_TO_POOL', redirect_pool_id: api.id });
  await h.createRule(lb.id, toApi.id, { type: 'HEADER', key: 'X-Env', compare_type: 'EQUAL_TO', value: 'test' });
  await h.createRule(lb.id, toApi.id, { type: 'PATH', compare_type: 'STARTS_WITH', value: '/api', invert: true });
  await h.createL7Policy(lb.id, listener.id, {
    action: 'REDIRECT_TO_URL',
    redirect_url: 'https://example.org/',
    redirect_http_code: 301,
  });
  await h.createListener(lb.id, { protocol: 'UDP', protocol_port: 53 });

  const exported = await cli.ok('export');
  const shop = (parse(exported).loadbalancers as Json[]).find((item) => item.name === 'shop')!;
  assert.equal(shop.vip_subnet_id, 'local', 'the subnet by its name');
  assert.deepEqual(shop.tags, ['prod', 'eu']);
  assert.equal(shop.listeners[0].default_pool, 'app');
  assert.equal(shop.listeners[0].l7policies[0].redirect_pool, 'api');
  assert.equal(shop.listeners[0].timeout_member_connect, undefined, 'defaults are left out');
  assert.equal(shop.pools[0].members[1].address, '2001:db8::12');
  assert.doesNotMatch(exported, /[0-9a-f]{8}-[0-9a-f]{4}-|status|created_at|updated_at|project/);

  const file = fileWith(exported);
  const before = auditTrail().length;
  const updatedAt = (await h.get(`loadbalancers/${lb.id}`)).body.loadbalancer.updated_at;
  const diff = await cli.run('diff', '-f', file);
  assert.deepEqual(diff, { code: 0, stdout: 'no differences\n', stderr: '' });
  assert.equal(await cli.ok('apply', '-f', file), 'no differences: nothing to apply\n');
  assert.deepEqual(writesSince(before), []);
  assert.equal((await h.get(`loadbalancers/${lb.id}`)).body.loadbalancer.updated_at, updatedAt);
});

test('a changed file changes only what changed: one PUT per changed object, one POST per new one', async () => {
  const document = parseDocument(await cli.ok('export'));
  const shop = (document.get('loadbalancers') as { items: unknown[] }).items.findIndex(
    (_item, i) => document.getIn(['loadbalancers', i, 'name']) === 'shop',
  );
  const at = (...path: (string | number)[]) => ['loadbalancers', shop, ...path];
  document.setIn(at('pools', 0, 'members', 0, 'weight'), 7);
  document.addIn(at('pools', 0, 'members'), { address: '10.0.0.13', protocol_port: 8080 });
  document.deleteIn(at('listeners', 0, 'connection_limit'));
  const file = fileWith(document.toString());

  const diff = await cli.run('diff', '-f', file);
  assert.equal(diff.code, 1);
  assert.equal(
    diff.stdout,
    [
      '~ member shop/app/10.0.0.11:8080',
      '    weight: 5 -> 7',
      '+ member shop/app/10.0.0.13:8080',
      '    address: 10.0.0.13',
      '    protocol_port: 8080',
      '~ listener shop/HTTP:80',
      '    connection_limit: 500 -> -1',
      '1 to create, 2 to update, 0 to delete',
      '',
    ].join('\n'),
  );

  const before = auditTrail().length;
  const untouched = (await h.get('pools?name=api')).body.pools[0];
  const applied = await cli.ok('apply', '-f', file);
  assert.equal(
    applied,
    [
      'created member shop/app/10.0.0.13:8080',
      'updated member shop/app/10.0.0.11:8080: weight',
      'updated listener shop/HTTP:80: connection_limit',
      'applied: 1 created, 2 updated, 0 deleted',
      '',
    ].join('\n'),
  );
  assert.deepEqual(writesSince(before), [
    'POST /v2/lbaas/pools/ID/members 201',
    'PUT /v2/lbaas/pools/ID/members/ID 200',
    'PUT /v2/lbaas/listeners/ID 200',
  ]);
  // Each PUT changed its object's one field (and its status).
  const changed = auditTrail()
    .slice(before)
    .filter((entry) => entry.method === 'PUT')
    .map((entry) => {
      const kind = entry.path.includes('/members/') ? 'member' : 'listener';
      const { before: was, after: is } = entry.changes.find((change: Json) => change.kind === kind);
      const differs = (key: string) => JSON.stringify(was[key]) !== JSON.stringify(is[key]);
      return Object.keys(is).filter((key) => differs(key) && !['provisioning_status', 'updated_at'].includes(key));
    });
  assert.deepEqual(changed, [['weight'], ['connection_limit']]);
  assert.equal((await h.get(`pools/${untouched.id}`)).body.pool.updated_at, untouched.updated_at);
  assert.equal((await cli.run('diff', '-f', file)).code, 0);
});

test('deletes go children first, and a pool goes only once nothing names it', async () => {
  const file = fileWith(`loadbalancers:
  - name: order
    vip_subnet_id: local
    listeners:
      - protocol: HTTP
        protocol_port: 80
        default_pool: app
        l7policies:
          - action: REDIRECT_TO_POOL
            redirect_pool: api
            rules:
              - { type: PATH, compare_type: STARTS_WITH, value: /api }
    pools:
      - name: app
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
        members:
          - { address: 10.0.1.1, protocol_port: 80 }
          - { address: 10.0.1.2, protocol_port: 80 }
        healthmonitor: { type: TCP, delay: 1, timeout: 1, max_retries: 1 }
      - name: api
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
`);
  const created = await cli.ok('apply', '-f', file);
  assert.match(created, /^applied: 9 created, 0 updated, 0 deleted$/m);

  const smaller = fileWith(`loadbalancers:
  - name: order
    vip_subnet_id: local
    listeners:
      - protocol: HTTP
        protocol_port: 80
        default_pool: next
    pools:
      - name: next
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
        members:
          - { address: 10.0.1.1, protocol_port: 80 }
`);
  const before = auditTrail().length;
  await cli.ok('apply', '-f', smaller);
  assert.deepEqual(writesSince(before), [
    'DELETE /v2/lbaas/l7policies/ID/rules/ID 204',
    'DELETE /v2/lbaas/l7policies/ID 204',
    'POST /v2/lbaas/pools 201',
    'POST /v2/lbaas/pools/ID/members 201',
    'PUT /v2/lbaas/listeners/ID 200',
    'DELETE /v2/lbaas/healthmonitors/ID 204',
    'DELETE /v2/lbaas/pools/ID/members/ID 204',
    'DELETE /v2/lbaas/pools/ID/members/ID 204',
    'DELETE /v2/lbaas/pools/ID 204',
    'DELETE /v2/lbaas/pools/ID 204',
  ]);
  const status = await tree('order');
  assert.deepEqual(
    status.listeners[0].pools.map((pool: Json) => [pool.name, pool.members.map((m: Json) => m.address)]),
    [['next', ['10.0.1.1']]],
  );
  const lbId = (await h.get('loadbalancers?name=order')).body.loadbalancers[0].id;
  const pools = (await h.get('pools')).body.pools.filter((pool: Json) => pool.loadbalancers[0].id === lbId);
  assert.deepEqual(
    pools.map((pool: Json) => pool.name),
    ['next'],
  );
  assert.equal((await cli.run('diff', '-f', smaller)).code, 0);
});

test('load balancers the file leaves out go only with --prune, which needs a project', async () => {
  await h.createLb({ name: 'stray' });
  const file = fileWith('loadbalancers:\n  - { name: lonely, vip_subnet_id: local }\n');
  await cli.ok('apply', '-f', file);
  assert.equal((await h.get('loadbalancers?name=stray')).body.loadbalancers.length, 1, 'not without --prune');

  const refused = await cli.run('apply', '-f', file, '--prune');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^--prune needs the project it may delete in: --project or OS_PROJECT_ID/);

  // Another project's load balancers are out of reach of this one's prune.
  const other = await h.req(
    'POST',
    'loadbalancers',
    { loadbalancer: { name: 'elsewhere', vip_subnet_id: h.subnetId } },
    { headers: { 'x-project-id': 'e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1' } },
  );
  assert.equal(other.status, 201);
  const project = '00000000000000000000000000000000'; // the harness's default project, noauth's
  const diff = await cli.run('diff', '-f', file, '--prune', '--project', project);
  assert.equal(diff.code, 1);
  assert.match(diff.stdout, /^- load balancer stray \(with everything in it\)$/m);
  assert.match(diff.stdout, /^- load balancer shop \(with everything in it\)$/m);
  assert.doesNotMatch(diff.stdout, /elsewhere/);
  await cli.ok('apply', '-f', file, '--prune', '--project', project);
  const names = (await h.get('loadbalancers')).body.loadbalancers.map((lb: Json) => lb.name).sort();
  assert.deepEqual(names, ['elsewhere', 'lonely']);
});

test('a file problem or a name that names nothing: file:line:column, nothing written, diff exits 2', async () => {
  const before = auditTrail().length;
  const bad = fileWith('loadbalancers:\n  - name: web\n    vip_subnet_id: nowhere\n    listeners: []\n');
  const diff = await cli.run('diff', '-f', bad);
  assert.equal(diff.code, 2);
  assert.equal(diff.stderr, `${bad}:3:20: loadbalancers[0].vip_subnet_id: no subnet with name or ID "nowhere"\n`);
  const broken = fileWith(
    'loadbalancers:\n  - name: web\n    vip_subnet_id: local\n    listeners:\n      - protocol: HTTP\n        protocol_port: 0\n',
  );
  const apply = await cli.run('apply', '-f', broken);
  assert.equal(apply.code, 1);
  assert.equal(
    apply.stderr,
    `${broken}:6:24: loadbalancers[0].listeners[0].protocol_port: must be at least 1, got the number 0\n`,
  );
  assert.equal(
    (await cli.run('diff', '-f', join(h.dir, 'missing.yaml'))).stderr,
    `${join(h.dir, 'missing.yaml')}: (file): cannot read the file: it does not exist\n`,
  );
  assert.deepEqual(writesSince(before), []);
});

test('what the API refuses stops the apply with its faultstring, at the object in the file', async () => {
  const file = fileWith(`loadbalancers:
  - name: tls
    vip_subnet_id: local
    listeners:
      - protocol: TERMINATED_HTTPS
        protocol_port: 443
`);
  const run = await cli.run('apply', '-f', file);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, 'created load balancer tls\n');
  assert.equal(
    run.stderr,
    `${file}:5:9: loadbalancers[0].listeners[0]: the API refused to create listener tls/TERMINATED_HTTPS:443: Validation failure: An SNI or default certificate container reference must be provided for TERMINATED_HTTPS protocol listeners. (HTTP 400)\n`,
  );
});

test('apply fails with the reason when the load balancer goes to ERROR (the port is taken)', async () => {
  const name = 'busy';
  await cli.ok(
    'apply',
    '-f',
    fileWith(`loadbalancers:\n  - { name: ${name}, vip_subnet_id: local, provider: proxy }\n`),
  );
  const vip = (await h.get(`loadbalancers?name=${name}`)).body.loadbalancers[0].vip_address;
  const blocker = await listen(createServer(), vip);
  try {
    const port = (blocker.address() as { port: number }).port;
    const file = fileWith(`loadbalancers:
  - name: ${name}
    vip_subnet_id: local
    provider: proxy
    listeners:
      - { name: taken, protocol: TCP, protocol_port: ${port} }
`);
    const run = await cli.run('apply', '-f', file);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(
        `^${file}:6:9: loadbalancers\\[0\\]\\.listeners\\[0\\]: after creating listener busy/TCP:${port}: ` +
          `load balancer busy \\([0-9a-f-]{36}\\) went to provisioning status ERROR; in ERROR: listener taken \\([0-9a-f-]{36}\\): provider proxy: .*EADDRINUSE.*\\n$`,
      ),
    );
    assert.ok(h.errors.some((line) => line.includes('EADDRINUSE')));
    // A load balancer in ERROR takes no change: the next apply says so before it writes anything.
    const before = auditTrail().length;
    const changed = fileWith(
      readFileSync(file, 'utf8').replace('provider: proxy', 'provider: proxy\n    description: again'),
    );
    const again = await cli.run('apply', '-f', changed);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      new RegExp(
        `^${changed}:2:5: loadbalancers\\[0\\]: before applying: load balancer busy .* went to provisioning status ERROR`,
      ),
    );
    assert.deepEqual(writesSince(before), []);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

function listen(server: Server, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}
