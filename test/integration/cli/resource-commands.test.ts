/**
 * Every client command against a weir on loopback (noop provider): one load balancer with one of every child is
 * created, listed, shown, changed, cleared and deleted through `weir <kind> <verb>`, objects named by name and by
 * id, output in each format; what the API then holds is checked too.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { Harness, type Json } from '../api/harness.ts';
import { WeirCli } from './support/in-process-cli.ts';

let h: Harness;
let cli: WeirCli;

before(async () => {
  h = await Harness.start();
  cli = new WeirCli({ OS_ENDPOINT: h.base });
});
after(() => h.close());

const ids: Record<string, string> = {};

/** Reads an object back from the API. */
async function stored(path: string): Promise<Json> {
  const reply = await h.get(path);
  assert.equal(reply.status, 200, reply.text);
  return Object.values(reply.body)[0] as Json;
}

/** Runs a create command given as one line of words, with --wait, and checks the object is ACTIVE. */
async function created(line: string): Promise<Json> {
  const object = await cli.json(...line.split(' '), '--wait');
  assert.equal(object.provisioning_status, 'ACTIVE', line);
  return object;
}

test('create: one of each kind, parents named by name, each ACTIVE after --wait', async () => {
  const lb = await created('loadbalancer create --name web --vip-subnet-id local --tag t1');
  assert.equal(lb.vip_subnet_id, h.subnetId, 'the subnet name was resolved to its id');
  assert.deepEqual(lb.tags, ['t1']);
  ids.lb = lb.id;

  const listener = await created(
    'listener create --name http --protocol HTTP --protocol-port 80 --insert-headers X-Forwarded-For=true web',
  );
  assert.deepEqual(listener.loadbalancers, [ids.lb]);
  assert.deepEqual(listener.insert_headers, { 'X-Forwarded-For': 'true' });
  ids.listener = listener.id;

  const pool = await created(
    'pool create --name app --listener http --protocol HTTP --lb-algorithm ROUND_ROBIN ' +
      '--session-persistence type=APP_COOKIE,cookie_name=sid',
  );
  assert.deepEqual(pool.listeners, [ids.listener]);
  assert.equal(pool.session_persistence.cookie_name, 'sid');
  ids.pool = pool.id;

  const member = await created(
    'member create app --name m1 --address 10.0.0.11 --protocol-port 8080 --weight 5 --enable-backup',
  );
  assert.equal(member.weight, 5);
  assert.equal(member.backup, true);
  ids.member = member.id;

  const monitor = await created(
    'healthmonitor create --name hm --delay 5 --timeout 3 --max-retries 2 --type HTTP --url-path /health app',
  );
  assert.deepEqual(monitor.pools, [ids.pool]);
  ids.monitor = monitor.id;

  const policy = await created('l7policy create --name pol --action REDIRECT_TO_POOL --redirect-pool app http');
  assert.equal(policy.redirect_pool_id, ids.pool);
  ids.policy = policy.id;

  ids.rule = (await created('l7rule create --type PATH --compare-type STARTS_WITH --value /api pol')).id;

  assert.equal((await stored(`loadbalancers/${ids.lb}`)).provisioning_status, 'ACTIVE');
  assert.deepEqual((await stored(`l7policies/${ids.policy}`)).rules, [{ id: ids.rule }]);
});

test('list in every format, with the OpenStack CLI default columns', async () => {
  const table = await cli.ok('loadbalancer', 'list');
  const lines = table.trimEnd().split('\n');
  assert.equal(lines.length, 5, table);
  assert.match(
    lines[1]!,
    /^\| id +\| name +\| project_id +\| vip_address +\| provisioning_status +\| operating_status +\| provider +\|$/,
  );
  assert.match(lines[3]!, new RegExp(`^\\| ${ids.lb} \\| web +\\|`));

  assert.deepEqual(Object.keys((await cli.json('member', 'list', 'app'))[0]), [
    'id',
    'name',
    'project_id',
    'provisioning_status',
    'address',
    'protocol_port',
    'operating_status',
    'weight',
  ]);
  const pools = parse(await cli.ok('pool', 'list', '--loadbalancer', 'web', '-f', 'yaml'));
  assert.deepEqual(
    pools.map((pool: Json) => [pool.id, pool.lb_algorithm]),
    [[ids.pool, 'ROUND_ROBIN']],
  );
  assert.equal(
    await cli.ok('listener', 'list', '-f', 'value', '-c', 'id', '-c', 'protocol_port'),
    `${ids.listener} 80\n`,
  );
  assert.equal(await cli.ok('healthmonitor', 'list', '-f', 'value', '-c', 'name', '-c', 'type'), 'hm HTTP\n');
  assert.equal(await cli.ok('l7policy', 'list', '--listener', 'http', '-f', 'value', '-c', 'id'), `${ids.policy}\n`);
  assert.equal(await cli.ok('l7rule', 'list', 'pol', '-f', 'value', '-c', 'id', '-c', 'value'), `${ids.rule} /api\n`);
  assert.equal(await cli.ok('loadbalancer', 'list', '--name', 'nothing-by-this-name'), '');
  assert.equal(await cli.ok('loadbalancer', 'list', '--tags', 't1', '-f', 'value', '-c', 'name'), 'web\n');
  // list's -c may pick any field show has.
  assert.equal(await cli.ok('loadbalancer', 'list', '-f', 'value', '-c', 'vip_subnet_id'), `${h.subnetId}\n`);
});

test('show by name and by id gives the same object; member and rule within their pool and policy', async () => {
  for (const [kind, name, id] of [
    ['loadbalancer', 'web', ids.lb],
    ['listener', 'http', ids.listener],
    ['pool', 'app', ids.pool],
    ['healthmonitor', 'hm', ids.monitor],
    ['l7policy', 'pol', ids.policy],
  ] as const) {
    const byName = await cli.json(kind, 'show', name);
    assert.equal(byName.id, id, kind);
    assert.deepEqual(await cli.json(kind, 'show', id!), byName, kind);
  }
  assert.equal((await cli.json('member', 'show', 'app', 'm1')).id, ids.member);
  assert.equal((await cli.json('member', 'show', ids.pool!, ids.member!)).name, 'm1');
  assert.equal((await cli.json('l7rule', 'show', 'pol', ids.rule!)).value, '/api');

  const table = await cli.ok('pool', 'show', 'app');
  assert.match(table, /^\+-+\+-+\+\n\| Field +\| Value +\|\n/);
  assert.match(table, /\| session_persistence +\| cookie_name=sid +\|\n\| +\| persistence_granularity=None +\|/);
  assert.equal(await cli.ok('member', 'show', 'app', 'm1', '-f', 'value', '-c', 'backup', '-c', 'weight'), '5\nTrue\n');
  assert.deepEqual(parse(await cli.ok('listener', 'show', 'http', '-f', 'yaml', '-c', 'loadbalancers')), {
    loadbalancers: [ids.lb],
  });
});

test('set changes what its options name and shows the object; --wait shows it ACTIVE', async () => {
  const lb = await cli.json('loadbalancer', 'set', 'web', '--description', 'front', '--tag', 't2', '--wait');
  assert.equal(lb.description, 'front');
  assert.deepEqual(lb.tags, ['t1', 't2']);
  assert.equal(lb.provisioning_status, 'ACTIVE');
  assert.equal(
    (await cli.json('listener', 'set', 'http', '--connection-limit', '100', '--wait')).connection_limit,
    100,
  );
  const pool = await cli.json('pool', 'set', 'app', '--lb-algorithm', 'LEAST_CONNECTIONS', '--disable', '--wait');
  assert.equal(pool.lb_algorithm, 'LEAST_CONNECTIONS');
  assert.equal(pool.admin_state_up, false);
  const member = await cli.json('member', 'set', 'app', 'm1', '--weight', '7', '--disable-backup', '--wait');
  assert.equal(member.weight, 7);
  assert.equal(member.backup, false);
  assert.equal((await cli.json('healthmonitor', 'set', 'hm', '--delay', '10', '--wait')).delay, 10);
  assert.equal((await cli.json('l7policy', 'set', 'pol', '--name', 'pol2', '--wait')).name, 'pol2');
  const rule = await cli.json('l7rule', 'set', 'pol2', ids.rule!, '--invert', '--value', '/v2', '--wait');
  assert.equal(rule.invert, true);
  assert.equal(rule.value, '/v2');

  // Without --wait: the API's answer, still pending.
  const pending = await cli.json('loadbalancer', 'set', 'web', '--name', 'web');
  assert.equal(pending.provisioning_status, 'PENDING_UPDATE');
  await h.waitActive(ids.lb!);
  assert.equal((await stored(`pools/${ids.pool}/members/${ids.member}`)).weight, 7);
});

test('unset sends null: fields are cleared or back to the API default', async () => {
  await cli.ok('member', 'set', 'app', 'm1', '--enable-backup', '--wait');
  const member = await cli.json('member', 'unset', 'app', 'm1', '--weight', '--backup', '--wait');
  assert.equal(member.weight, 1);
  assert.equal(member.backup, false);
  assert.equal((await cli.json('listener', 'unset', 'http', '--connection-limit', '--wait')).connection_limit, -1);
  assert.equal((await cli.json('pool', 'unset', 'app', '--session-persistence', '--wait')).session_persistence, null);
  assert.equal((await cli.json('healthmonitor', 'unset', 'hm', '--url-path', '--wait')).url_path, '/');
  assert.equal((await cli.json('l7rule', 'unset', 'pol2', ids.rule!, '--invert', '--wait')).invert, false);
  const lb = await cli.json('loadbalancer', 'unset', 'web', '--description', '--tag', 't1', '--wait');
  assert.equal(lb.description, null);
  assert.deepEqual(lb.tags, ['t2']);
  assert.deepEqual((await stored(`loadbalancers/${ids.lb}`)).tags, ['t2']);
});

test('status prints the status tree; stats the counters of a load balancer and a listener', async () => {
  const tree = JSON.parse(await cli.ok('loadbalancer', 'status', 'web'));
  const listener = tree.loadbalancer.listeners[0];
  assert.equal(listener.id, ids.listener);
  assert.equal(listener.pools[0].members[0].id, ids.member);
  assert.equal(listener.pools[0].health_monitor.id, ids.monitor);
  assert.deepEqual(parse(await cli.ok('loadbalancer', 'status', 'web', '-f', 'yaml')), tree);

  const counters = ['active_connections', 'bytes_in', 'bytes_out', 'request_errors', 'total_connections'];
  assert.deepEqual(Object.keys(await cli.json('loadbalancer', 'stats', 'web')), counters);
  assert.equal(await cli.ok('listener', 'stats', 'http', '-f', 'value', '-c', 'bytes_in'), '0\n');
});

test('the OpenStack CLI spelling `weir loadbalancer listener ...` works too', async () => {
  assert.equal(await cli.ok('loadbalancer', 'listener', 'list', '-f', 'value', '-c', 'name'), 'http\n');
  assert.equal(await cli.ok('loadbalancer', 'member', 'list', 'app', '-f', 'value', '-c', 'name'), 'm1\n');
});

test('delete each object, children first, --wait until the load balancer is ACTIVE again or gone', async () => {
  assert.equal(await cli.ok('l7rule', 'delete', 'pol2', ids.rule!, '--wait'), '');
  assert.deepEqual(await cli.json('l7rule', 'list', 'pol2'), []);
  await cli.ok('l7policy', 'delete', 'pol2', '--wait');
  await cli.ok('healthmonitor', 'delete', 'hm', '--wait');
  await cli.ok('member', 'delete', 'app', 'm1', '--wait');
  await cli.ok('pool', 'delete', 'app', '--wait');
  await cli.ok('listener', 'delete', 'http', '--wait');
  assert.equal((await stored(`loadbalancers/${ids.lb}`)).provisioning_status, 'ACTIVE');
  await cli.ok('loadbalancer', 'delete', 'web', '--wait');
  assert.equal((await h.get(`loadbalancers/${ids.lb}`)).status, 404);
});

test('delete --cascade takes a load balancer with its children', async () => {
  await cli.ok('loadbalancer', 'create', '--name', 'tree', '--vip-subnet-id', h.subnetId, '--wait');
  await cli.ok('listener', 'create', '--protocol', 'TCP', '--protocol-port', '22', '--wait', 'tree');
  await cli.ok('loadbalancer', 'delete', 'tree', '--cascade', '--wait');
  assert.deepEqual(await cli.json('loadbalancer', 'list'), []);
  assert.deepEqual(await cli.json('listener', 'list'), []);
});
