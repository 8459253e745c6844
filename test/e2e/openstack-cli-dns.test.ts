// End to end: the real `openstack loadbalancer` CLI creates a `dns` load balancer on a real `weir serve` process, and
// `dig` asks weir's DNS server for its name.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DigReply, digAt, skipWithoutDig } from '../support/dig.ts';
import { dnsOnLoopback } from '../support/dns-zone-config.ts';
import { assertActive, type Json, NoauthCli, skipWithoutOpenstack } from './support/openstack-cli.ts';
import { makeDataDir, removeDataDir, sleep, WeirProcess, writeConfig } from './support/weir-process.ts';

const skip = skipWithoutOpenstack || skipWithoutDig;
const NAME = 'www.lb.example.org';

let weir: WeirProcess | undefined;
let dataDir: string | undefined;
let cli: NoauthCli | undefined;
let dnsPort = '';

before(async () => {
  if (skip) return;
  dataDir = makeDataDir();
  weir = await WeirProcess.start(dataDir, { configFile: writeConfig(dataDir, dnsOnLoopback()) });
  cli = new NoauthCli(weir);
  const logged = /weir: DNS on 127\.0\.0\.1:(\d+) /.exec(weir.output);
  assert.ok(logged, `weir did not say where DNS answers:\n${weir.output}`);
  dnsPort = logged[1]!;
});

after(async () => {
  await weir?.kill('SIGKILL');
  if (dataDir !== undefined) removeDataDir(dataDir);
});

/** Asks for NAME's A records until `done` holds, at most 40 times and 10 s; the last reply is for the assertions. */
async function digUntil(done: (reply: DigReply) => boolean): Promise<DigReply> {
  const deadline = Date.now() + 10_000;
  let reply = await digAt(dnsPort, NAME, 'A');
  for (let tries = 1; tries < 40 && !done(reply) && Date.now() < deadline; tries++) {
    await sleep(100);
    reply = await digAt(dnsPort, NAME, 'A');
  }
  return reply;
}

/** A command line's arguments, for those without spaces inside. */
const words = (line: string) => line.split(' ');
const answering = (...addresses: string[]) => addresses.map((address) => `${NAME}. 30 IN A ${address}`);
const sameAnswers = (reply: DigReply, expected: string[]) =>
  JSON.stringify([...reply.answers].sort()) === JSON.stringify(expected);

test('the openstack CLI publishes a name with provider dns, and dig follows it', {
  skip,
  timeout: 300_000,
}, async (t) => {
  await t.test('create the load balancer, a TCP listener, a pool and two members', async () => {
    // The CLI wants one of --vip-subnet-id, --vip-network-id or --vip-port-id before it sends anything, as Octavia's
    // API does; a dns load balancer takes no address there, so any subnet of weir's will do.
    const lb = await cli!.json(...words(`create --provider dns --name ${NAME} --vip-subnet-id local --wait`));
    assertActive(lb, NAME);
    assert.deepEqual([lb.name, lb.provider, lb.vip_address], [NAME, 'dns', '127.0.0.1']);

    const listener = await cli!.json(
      ...words(`listener create --name l1 --protocol TCP --protocol-port 80 --wait ${NAME}`),
    );
    assertActive(listener, 'l1');
    const pool = await cli!.json(
      ...words('pool create --name p1 --lb-algorithm ROUND_ROBIN --listener l1 --protocol TCP --wait'),
    );
    assertActive(pool, 'p1');
    for (const [name, address] of [
      ['m1', '192.0.2.1'],
      ['m2', '192.0.2.2'],
    ] as const) {
      const member = await cli!.json(
        ...words(`member create --name ${name} --address ${address} --protocol-port 8080 --wait p1`),
      );
      assertActive(member, name);
    }
  });

  await t.test('dig gets both members, authoritatively', async () => {
    const both = answering('192.0.2.1', '192.0.2.2');
    const reply = await digUntil((r) => sameAnswers(r, both));
    assert.equal(reply.status, 'NOERROR', reply.text);
    assert.ok(reply.flags.includes('aa'), `flags: ${reply.flags.join(' ')}`);
    assert.deepEqual([...reply.answers].sort(), both);
  });

  await t.test('show reports provider dns and the DNS server address as vip_address', async () => {
    const lb = await cli!.json('show', NAME);
    assertActive(lb, `${NAME} show`);
    assert.deepEqual([lb.provider, lb.vip_address], ['dns', '127.0.0.1']);
    const providers = await cli!.json<Json[]>('provider', 'list');
    assert.ok(
      providers.some((p) => p.name === 'dns'),
      `providers: ${JSON.stringify(providers)}`,
    );
  });

  await t.test('a second load balancer of the same name gets the conflict, one outside the zone the 400', async () => {
    const again = await cli!.run(...words(`create --provider dns --name ${NAME} --vip-subnet-id local`));
    assert.notEqual(again.code, 0, again.stdout);
    assert.match(
      again.stderr,
      /Name "www\.lb\.example\.org" is already published by another load balancer\. \(HTTP 409\)/,
    );

    const outside = await cli!.run(...words('create --provider dns --name www.example.com --vip-subnet-id local'));
    assert.notEqual(outside.code, 0, outside.stdout);
    assert.match(
      outside.stderr,
      /Validation failure: name "www\.example\.com" is in no DNS zone weir serves\. \(HTTP 400\)/,
    );

    const lbs = await cli!.json<Json[]>('list');
    assert.deepEqual(
      lbs.map((lb) => lb.name),
      [NAME],
    );
  });

  await t.test('member set --disable takes the member out of the answers', async () => {
    await cli!.ok('member', 'set', '--disable', '--wait', 'p1', 'm1');
    const member = await cli!.json('member', 'show', 'p1', 'm1');
    assert.equal(member.admin_state_up, false);
    const rest = answering('192.0.2.2');
    const reply = await digUntil((r) => sameAnswers(r, rest));
    assert.equal(reply.status, 'NOERROR', reply.text);
    assert.deepEqual(reply.answers, rest);
  });

  await t.test('delete --cascade makes the name NXDOMAIN', async () => {
    await cli!.ok('delete', '--cascade', '--wait', NAME);
    assert.deepEqual(await cli!.json<Json[]>('list'), []);
    const reply = await digUntil((r) => r.status === 'NXDOMAIN');
    assert.equal(reply.status, 'NXDOMAIN', reply.text);
    assert.ok(reply.flags.includes('aa'), `flags: ${reply.flags.join(' ')}`);
    assert.deepEqual(reply.answers, []);
    assert.match(reply.authority[0] ?? '', /^lb\.example\.org\. \d+ IN SOA /);
  });
});
