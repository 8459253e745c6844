/**
 * How the client commands name objects (by name or id, a name two objects share is an error) and how they fail:
 * the API's faultstring with its HTTP status on stderr, commander's usage errors, an endpoint nobody listens on;
 * every failure exits 1 with nothing on stdout.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort } from '../../e2e/support/weir-process.ts';
import { Harness, type Json } from '../api/harness.ts';
import { type CliRun, WeirCli } from './support/in-process-cli.ts';

let h: Harness;
let cli: WeirCli;
let lb: Json;

before(async () => {
  h = await Harness.start();
  cli = new WeirCli({ OS_ENDPOINT: h.base });
  lb = await h.createLb({ name: 'twin' });
  await h.createLb({ name: 'twin' });
});
after(() => h.close());

function assertFailed(run: CliRun, stderr: string | RegExp): void {
  assert.equal(run.code, 1, `exit code; stderr: ${run.stderr}`);
  assert.equal(run.stdout, '');
  if (typeof stderr === 'string') assert.equal(run.stderr, stderr);
  else assert.match(run.stderr, stderr);
}

test('a name two objects share is refused with both ids; either id names one', async () => {
  const run = await cli.run('loadbalancer', 'show', 'twin');
  assertFailed(run, /^2 load balancers are named "twin": give one by its ID \(.+, .+\)\n$/);
  assert.ok(run.stderr.includes(lb.id));
  assert.equal(await cli.ok('loadbalancer', 'show', lb.id, '-f', 'value', '-c', 'id'), `${lb.id}\n`);
});

test('a name or id that matches nothing', async () => {
  assertFailed(await cli.run('pool', 'show', 'nope'), 'no pool with name or ID "nope"\n');
  assertFailed(
    await cli.run('listener', 'create', '--protocol', 'TCP', '--protocol-port', '1', 'nope'),
    'no load balancer with name or ID "nope"\n',
  );
});

test('members are found by name within their pool; rules by id within their policy', async () => {
  const listener = await h.createListener(lb.id);
  const poolA = await h.createPool(lb.id, { name: 'a', listener_id: listener.id });
  const poolB = await h.createPool(lb.id, { name: 'b' });
  const inA = await h.createMember(lb.id, poolA.id, { name: 'same', address: '10.0.0.1' });
  await h.createMember(lb.id, poolB.id, { name: 'same', address: '10.0.0.2' });
  assert.equal(await cli.ok('member', 'show', 'a', 'same', '-f', 'value', '-c', 'id'), `${inA.id}\n`);
  assertFailed(await cli.run('member', 'show', 'a', 'other'), 'no member with name or ID "other" in pool a\n');

  const policy = await h.createL7Policy(lb.id, listener.id, { name: 'p' });
  const rule = await h.createRule(lb.id, policy.id);
  assert.equal(await cli.ok('l7rule', 'show', 'p', rule.id, '-f', 'value', '-c', 'type'), 'PATH\n');
  assertFailed(await cli.run('l7rule', 'show', 'p', 'PATH'), 'no L7 rule with ID "PATH" in L7 policy p\n');
});

test("bad input: the API's faultstring and HTTP status, exactly as the API answered", async () => {
  const api = await h.post('listeners', {
    listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 65536 },
  });
  assert.equal(api.status, 400);
  assertFailed(
    await cli.run('listener', 'create', '--protocol', 'HTTP', '--protocol-port', '65536', lb.id),
    `${api.body.faultstring} (HTTP 400)\n`,
  );
  await h.createListener(lb.id, { protocol_port: 8080 });
  assertFailed(
    await cli.run('listener', 'create', '--protocol', 'TCP', '--protocol-port', '8080', lb.id),
    /^Another Listener on this Load Balancer is already using protocol HTTP and protocol_port 8080 \(HTTP 409\)\n$/,
  );
  assertFailed(
    await cli.run('loadbalancer', 'create', '--vip-subnet-id', 'local', '--provider', 'nope'),
    /\(HTTP 400\)\n$/,
  );
});

test('usage errors: a missing required option, a bad number or choice, nothing to set, an unknown column', async () => {
  assertFailed(
    await cli.run('listener', 'create', '--protocol-port', '80', lb.id),
    "error: required option '--protocol <protocol>' not specified\n",
  );
  assertFailed(
    await cli.run('listener', 'create', '--protocol', 'HTTP', '--protocol-port', 'eighty', lb.id),
    /option '--protocol-port <port>' argument 'eighty' is invalid\. not an integer/,
  );
  assertFailed(
    await cli.run('pool', 'list', '-f', 'csv'),
    /argument 'csv' is invalid\. Allowed choices are table, json/,
  );
  assertFailed(
    await cli.run('loadbalancer', 'set', lb.id),
    'nothing to set: give at least one option (weir loadbalancer set --help)\n',
  );
  assertFailed(await cli.run('loadbalancer', 'list', '-c', 'colour'), /^no column "colour"; columns: id, name, /);
  assertFailed(await cli.run('loadbalancer', 'set', lb.id, '--enable', '--disable'), /cannot be used with/);
});

test('an endpoint nobody listens on: a clear message naming it', async () => {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  assertFailed(
    await new WeirCli({}).run('loadbalancer', 'list', '--os-endpoint', endpoint),
    `cannot reach weir at ${endpoint}: connection refused; is \`weir serve\` running there? (OS_ENDPOINT, --os-endpoint)\n`,
  );
});
