import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { backendsOn, natService, slotsInTurn } from '../../../test/support/nat-service.ts';
import { type NatService, natTableParts, renderNatTable } from './nat-ruleset.ts';

const render = (services: readonly NatService[]) => renderNatTable(services).script;

const web = natService('svc_web_0', {
  backends: [
    { address: '10.0.0.1', port: 8080, weight: 30 },
    { address: '10.0.0.2', port: 8080, weight: 10 },
    { address: '10.0.0.3', port: 8080, weight: 0 },
  ],
});
const dns = natService('svc_dns_0', {
  vip: '2001:db8::10',
  protocol: 'udp',
  port: 53,
  pick: 'source-ip-port',
  seed: 0xabc,
  allowedCidrs: ['2001:db8:1::/48'],
  backends: backendsOn(5353, '2001:db8::1', '2001:db8::2'),
  table: slotsInTurn(4099),
});
const idle = natService('svc_idle_0', { port: 81, pick: 'source-ip' });

test('weights become slots (divided by their common divisor), drained members get none', () => {
  const script = render([web]);
  assert.match(
    script,
    /meta l4proto tcp counter name "svc_web_0_new" dnat ip to numgen random mod 4 map \{ 0 : 10\.0\.0\.1 \. 8080, 1 : 10\.0\.0\.1 \. 8080, 2 : 10\.0\.0\.1 \. 8080, 3 : 10\.0\.0\.2 \. 8080 \}/,
  );
  assert.doesNotMatch(script, /: 10\.0\.0\.3 \./, 'no slot for the drained member');
  assert.match(script, /add element inet weir services4 \{ 192\.0\.2\.10 \. tcp \. 80 : goto svc_web_0 \}/);
});

test('hashing algorithms name the flow fields and the seed; allowed_cidrs and an empty pool drop', () => {
  const script = render([dns, idle]);
  assert.match(script, /ip6 saddr != \{ 2001:db8:1::\/48 \} counter name "svc_dns_0_refused" drop/);
  assert.match(script, /dnat ip6 to jhash ip6 saddr \. th sport mod 4099 seed 0xabc map @svc_dns_0_slots\n/);
  assert.match(
    render([{ ...dns, vip: '192.0.2.10', pick: 'source-ip', backends: [web.backends[0]!], table: [0, 0, 0] }]),
    /dnat ip to jhash ip saddr mod 3 seed 0xabc map @svc_dns_0_slots\n/,
  );
  assert.match(
    script,
    /add chain inet weir svc_idle_0\n[\s\S]*\nadd rule inet weir svc_idle_0 counter name "svc_idle_0_refused" drop\n/,
  );
  assert.match(script, /2001:db8::10 \. udp \. 53 : goto svc_dns_0/);
});

test("a hashing service's Maglev table is a named map, filled slot by slot in chunks after the table", () => {
  const script = render([dns]);
  assert.match(
    script,
    /\nadd map inet weir svc_dns_0_slots \{ typeof numgen random mod 4099 : ip6 daddr \. th dport ; \}\n/,
  );
  const adds = script.split('\n').filter((line) => line.startsWith('add element inet weir svc_dns_0_slots { '));
  assert.equal(adds.length, 2, '4096 elements per statement');
  const slots = adds.flatMap((line) => [...line.matchAll(/(\d+) : (2001:db8::\d) \. 5353/g)]);
  assert.deepEqual(
    slots.map((m) => [Number(m[1]), m[2]]),
    dns.table!.map((b, slot) => [slot, dns.backends[b]!.address]),
  );
  assert.ok(
    script.indexOf('add map inet weir svc_dns_0_slots') < script.indexOf('add element inet weir svc_dns_0_slots'),
    'after the map',
  );
  assert.doesNotMatch(render([web, idle]), /_slots/, 'random and empty services have no map');
});

test('each service counts bytes both ways, new flows and refused ones, in counters named after it', () => {
  const script = render([web]);
  for (const counter of ['in', 'out', 'new', 'refused'])
    assert.match(script, new RegExp(`\nadd counter inet weir svc_web_0_${counter}\n`));
  assert.match(script, /192\.0\.2\.10 \. tcp \. 80 : "svc_web_0_in"/);
  assert.match(script, /192\.0\.2\.10 \. tcp \. 80 : "svc_web_0_out"/);
  assert.match(script, /iif != "lo" counter name ip saddr \. meta l4proto \. th sport map @bytes_out4/);
});

test('allowed_cidrs with no source of the VIP family refuse every flow', () => {
  const script = render([{ ...web, allowedCidrs: [] }]);
  assert.match(
    script,
    /add rule inet weir svc_web_0 counter name "svc_web_0_refused" drop\n(?!add rule inet weir svc_web_0)/,
  );
});

test('many heavy members share at most 1024 slots, each keeping one at least', () => {
  const backends = Array.from({ length: 100 }, (_, i) => ({ address: `10.0.1.${i}`, port: 80, weight: 256 - i }));
  const script = render([{ ...web, backends }]);
  const slots = Number(/numgen random mod (\d+)/.exec(script)![1]);
  assert.ok(slots <= 1024 + 100 && slots >= 1000, `${slots} slots`);
  for (const b of backends) assert.match(script, new RegExp(`: ${b.address.replaceAll('.', '\\.')} \\. 80`));
});

test('members calling their own service are masqueraded, so the answer comes back through weir', () => {
  assert.match(
    render([web]),
    /add element inet weir hairpin4 \{ 192\.0\.2\.10 \. 10\.0\.0\.1, 192\.0\.2\.10 \. 10\.0\.0\.2, 192\.0\.2\.10 \. 10\.0\.0\.3 \}\n/,
  );
  assert.match(
    render([web]),
    /add rule inet weir hairpin ct status dnat ct original ip daddr \. ip saddr @hairpin4 masquerade\n/,
  );
});

test('the script replaces the whole table in one transaction', () => {
  const lines = render([]).split('\n');
  assert.deepEqual(lines.slice(0, 3), ['table inet weir {}', 'delete table inet weir', 'add table inet weir']);
});

const asRoot = process.getuid?.() === 0 ? false : 'needs root for a network namespace';

test('nftables accepts the table with a full-size Maglev map, and a second load replaces the first', {
  skip: asRoot,
}, (t) => {
  const ns = `weir-nft-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const nft = (args: string[], input?: string) =>
      execFileSync('ip', ['netns', 'exec', ns, 'nft', ...args], {
        input,
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 64 << 20,
      });
    const maglev: NatService = {
      ...web,
      name: 'svc_maglev_0',
      port: 443,
      pick: 'source-ip',
      seed: 0xfffffffe,
      table: slotsInTurn(65537, 3),
    };
    const script = render([web, dns, idle, maglev]);
    const started = process.hrtime.bigint();
    nft(['-f', '-'], script);
    t.diagnostic(
      `nft -f of a table with a 65537-slot map: ${Number(process.hrtime.bigint() - started) / 1e6} ms, ` +
        `${script.length} bytes`,
    );
    const map = nft(['list', 'map', 'inet', 'weir', 'svc_maglev_0_slots']);
    assert.equal(map.match(/ : 10\.0\.0\.\d \. 8080/g)?.length, 65537);
    assert.match(nft(['list', 'chain', 'inet', 'weir', 'svc_maglev_0']), /jhash ip saddr mod 65537 seed 0xfffffffe/);
    assert.match(nft(['list', 'ruleset']), /svc_dns_0_slots/, 'the ruleset lists (nft 1.0.6 crashes on typeof jhash)');
    nft(['-f', '-'], render([web]));
    const listed = nft(['list', 'table', 'inet', 'weir']);
    assert.match(listed, /chain svc_web_0/);
    assert.doesNotMatch(listed, /svc_dns_0|svc_idle_0|svc_maglev_0/);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});

const statelessWeb = natService('svc_stl_0', {
  vip: '192.0.2.20',
  pick: 'source-ip-port',
  seed: 0x1234,
  stateless: true,
  backends: [...backendsOn(8080, '10.0.1.1'), ...backendsOn(8081, '10.0.1.2')],
  table: slotsInTurn(7),
});

test('a stateless service is translated before conntrack, untracked, and its answers are translated back', () => {
  const script = render([web, statelessWeb]);
  assert.match(script, /add element inet weir stateless4 \{ 192\.0\.2\.20 \. tcp \. 80 : goto svc_stl_0 \}/);
  assert.doesNotMatch(script, /add element inet weir services4 \{[^}]*192\.0\.2\.20/, 'no conntrack NAT for it');
  assert.match(
    script,
    /counter name "svc_stl_0_in" notrack tcp dport set jhash ip saddr \. th sport mod 7 seed 0x1234 map @svc_stl_0_ports ip daddr set jhash ip saddr \. th sport mod 7 seed 0x1234 map @svc_stl_0_addrs/,
  );
  assert.match(script, /tcp flags & \(syn \| ack\) == syn counter name "svc_stl_0_new"/);
  assert.match(
    script,
    /add element inet weir reply_sources4 \{ 10\.0\.1\.1 \. tcp \. 8080, 10\.0\.1\.2 \. tcp \. 8081 \}/,
  );
  assert.match(script, /ip saddr \. meta l4proto \. th sport @reply_sources4 fib daddr type != local notrack/);
  assert.match(script, /add element inet weir replies4 \{ 10\.0\.1\.1 \. tcp \. 8080 : goto svc_stl_0_reply/);
  assert.match(
    script,
    /add rule inet weir svc_stl_0_reply counter name "svc_stl_0_out" ip saddr set 192\.0\.2\.20 tcp sport set 80/,
  );
  assert.match(script, /add element inet weir svc_stl_0_addrs \{ 0 : 10\.0\.1\.1, 1 : 10\.0\.1\.2, 2 : 10\.0\.1\.1/);
  assert.match(script, /add element inet weir svc_stl_0_ports \{ 0 : 8080, 1 : 8081/);
});

test('a stateless service whose members share a port writes it in the rule, without a port map', () => {
  const samePort = { ...statelessWeb, backends: statelessWeb.backends.map((b) => ({ ...b, port: 8080 })) };
  const script = render([samePort]);
  assert.match(script, /notrack tcp dport set 8080 ip daddr set jhash/);
  assert.doesNotMatch(script, /svc_stl_0_ports/);
});

test('a member serving two stateless services is refused: its answers could not tell which VIP to come from', () => {
  const other = { ...statelessWeb, name: 'svc_stl2_0', vip: '192.0.2.21' };
  assert.throws(
    () => render([statelessWeb, other]),
    /member 10\.0\.1\.1 port 8080 \(tcp\) serves two stateless listeners, 192\.0\.2\.20 port 80 and 192\.0\.2\.21 port 80/,
  );
});

test('a member serving a stateless and a stateful listener is refused: its answers would all take the stateless VIP', () => {
  const stateful = { ...web, name: 'svc_web_1', vip: '192.0.2.21', backends: [statelessWeb.backends[1]!] };
  for (const services of [
    [statelessWeb, stateful],
    [stateful, statelessWeb],
  ]) {
    assert.throws(
      () => render(services),
      /member 10\.0\.1\.2 port 8081 \(tcp\) serves stateless listener 192\.0\.2\.20 port 80 and listener 192\.0\.2\.21 port 80/,
    );
  }
  const otherPort = { ...stateful, backends: [{ ...statelessWeb.backends[1]!, port: 8082 }] };
  assert.doesNotThrow(() => render([statelessWeb, otherPort]), 'another port of the same member is fine');
  const udp = { ...stateful, protocol: 'udp' as const };
  assert.doesNotThrow(() => render([statelessWeb, udp]), 'the same port of another protocol is fine');
});

test('nftables accepts stateless services of both families, with and without a port map', { skip: asRoot }, () => {
  const ns = `weir-nft-stl-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const v6: NatService = {
      ...statelessWeb,
      name: 'svc_stl6_0',
      vip: '2001:db8::20',
      protocol: 'udp',
      port: 53,
      pick: 'source-ip',
      backends: [{ address: '2001:db8::5', port: 53, weight: 1 }],
      table: [0, 0, 0],
    };
    execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], {
      input: render([web, statelessWeb, v6]),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const listed = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'weir'], {
      encoding: 'utf8',
    });
    assert.match(listed, /udp dport set 53 ip6 daddr set jhash ip6 saddr mod 3 seed 0x1234 map @svc_stl6_0_addrs/);
    assert.match(listed, /ip6 saddr set 2001:db8::20 udp sport set 53/);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});

test("a listener's connection_limit drops flows over it at their first packet, counted as refused", () => {
  const script = render([{ ...web, connectionLimit: 100 }]);
  assert.match(
    script,
    /add rule inet weir svc_web_0 add @svc_web_0_flows_100 \{ ip daddr \. th dport ct count over 100 \} counter name "svc_web_0_refused" drop\nadd rule inet weir svc_web_0 meta l4proto tcp counter name "svc_web_0_new" dnat/,
  );
  assert.match(
    script,
    /\nadd set inet weir svc_web_0_flows_100 \{ type ipv4_addr \. inet_service ; flags dynamic ; size 1 ; \}\n/,
  );
});

/**
 * In a namespace: a server on port 8081, and connections to VIP:81 it opens (`open`: prints `ok`, or `timeout` after
 * 1.5 s, that socket then destroyed) or closes (`close`: the oldest it holds), one command per line on stdin.
 */
const HOLDER = `
const net = require('node:net');
const held = [];
const one = () => new Promise((resolve) => {
  const s = net.connect({ host: process.argv[1], port: 81 });
  s.on('error', () => {});
  const timer = setTimeout(() => { s.destroy(); resolve('timeout'); }, 1500);
  s.once('data', () => { clearTimeout(timer); held.push(s); resolve('ok'); });
});
net.createServer((s) => { s.on('error', () => {}); s.write('hi\\n'); }).listen(8081, '0.0.0.0', () => console.log('ready'));
require('node:readline').createInterface({ input: process.stdin }).on('line', async (command) => {
  if (command === 'open') console.log(await one());
  else { held.shift().destroy(); await new Promise((resolve) => setTimeout(resolve, 300)); console.log('closed'); }
});
`;

test("a connection_limit's count survives its chain's rewrite; a new limit takes effect, counting from then", {
  skip: asRoot,
}, async () => {
  const ns = `weir-nft-limit-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  const holder = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', HOLDER, web.vip], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const nft = (input: string) =>
      execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input, timeout: 30_000 });
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    for (const address of [web.vip, '10.0.0.1', '10.0.0.2']) {
      execFileSync('ip', ['-n', ns, 'address', 'add', `${address}/32`, 'dev', 'lo']);
    }
    const lines = holder.stdout.setEncoding('utf8')[Symbol.asyncIterator]();
    let buffered: string[] = [];
    const next = async (): Promise<string> => {
      while (buffered.length === 0) {
        const chunk = await Promise.race([lines.next(), once(holder, 'exit').then(() => ({ done: true, value: '' }))]);
        assert.ok(!chunk.done, 'the holder exited');
        buffered = (chunk.value as string).split('\n').filter(Boolean);
      }
      return buffered.shift()!;
    };
    const ask = async (command: string) => {
      holder.stdin.write(`${command}\n`);
      return next();
    };
    assert.equal(await next(), 'ready');
    const limited: NatService = {
      ...web,
      name: 'svc_lim_0',
      port: 81,
      backends: [{ address: '10.0.0.1', port: 8081, weight: 1 }],
      connectionLimit: 2,
    };
    const { script, state } = renderNatTable([limited]);
    nft(script);
    const change = (service: NatService) => {
      const plan = state.plan(natTableParts([service]));
      assert.ok(plan, 'a delta');
      nft(plan.script);
      plan.commit();
      return plan.script;
    };
    assert.deepEqual([await ask('open'), await ask('open'), await ask('open')], ['ok', 'ok', 'timeout']);
    const grown = { ...limited, backends: [...limited.backends, { address: '10.0.0.2', port: 8081, weight: 1 }] };
    assert.match(change(grown), /flush chain inet weir svc_lim_0\n/, "a second member rewrites the service's chain");
    assert.equal(await ask('open'), 'timeout', 'still two flows held after the rewrite');
    assert.deepEqual([await ask('close'), await ask('open')], ['closed', 'ok']);
    // A new limit counts from the change on: the two flows held then are not in its count.
    assert.match(change({ ...grown, connectionLimit: 3 }), /delete set inet weir svc_lim_0_flows_2\n/);
    const outcomes = [await ask('open'), await ask('open'), await ask('open'), await ask('open')];
    assert.deepEqual(outcomes, ['ok', 'ok', 'ok', 'timeout'], 'the new limit of 3 holds');
  } finally {
    holder.kill('SIGKILL');
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
