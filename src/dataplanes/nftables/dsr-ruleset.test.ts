import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { type DsrService, renderDsrTable } from './dsr-ruleset.ts';

const web: DsrService = {
  name: 'dsr_web_0',
  vip: '192.0.2.10',
  protocol: 'tcp',
  port: 80,
  ingress: 'eth0',
  egress: { device: 'eth0', mac: '02:00:00:00:00:01' },
  pick: 'source-ip-port',
  seed: 0x5eed,
  allowedCidrs: null,
  members: ['02:00:00:00:00:0a', '02:00:00:00:00:0b'],
  slots: [0, 1, 0, 0],
};
const dns: DsrService = {
  ...web,
  name: 'dsr_dns_0',
  vip: '2001:db8::10',
  protocol: 'udp',
  port: 53,
  ingress: 'eth1',
  pick: 'source-ip',
  allowedCidrs: ['2001:db8:1::/48'],
};
const idle: DsrService = { ...web, name: 'dsr_idle_0', port: 81, egress: null, members: [], slots: [] };

test("frames get weir's MAC as source and the slot's member MAC as destination, from a hash of the flow", () => {
  const script = renderDsrTable([web]);
  assert.match(
    script,
    /ether saddr set 02:00:00:00:00:01 ether daddr set jhash ip saddr \. tcp sport mod 4 seed 0x5eed map \{ 0 : 02:00:00:00:00:0a, 1 : 02:00:00:00:00:0b, 2 : 02:00:00:00:00:0a, 3 : 02:00:00:00:00:0a \} fwd to "eth0"/,
  );
  assert.doesNotMatch(script, /numgen/, 'no per-packet chance: without conntrack a flow must hash to one member');
  assert.match(script, /type filter hook ingress device "eth0" priority 0;/);
  assert.match(script, /elements = \{ 192\.0\.2\.10 \. tcp \. 80 : goto dsr_web_0 \}/);
});

test('SOURCE_IP hashes the address alone; allowed CIDRs refuse other sources; each ingress interface has a chain', () => {
  const script = renderDsrTable([web, dns]);
  assert.match(script, /jhash ip6 saddr mod 4 seed/);
  assert.match(script, /ip6 saddr != \{ 2001:db8:1::\/48 \} counter name "dsr_dns_0_refused" drop/);
  assert.match(script, /hook ingress device "eth0"/);
  assert.match(script, /hook ingress device "eth1"/);
  assert.match(script, /map services6_1 \{\n.*\n {4}elements = \{ 2001:db8::10 \. udp \. 53 : goto dsr_dns_0 \}/);
});

test('a service without members drops its flows, counted; counters start from what they had', () => {
  const script = renderDsrTable([idle], new Map([['dsr_idle_0_refused', { packets: 3, bytes: 180 }]]));
  assert.match(script, /chain dsr_idle_0 \{\n {4}counter name "dsr_idle_0_refused" drop\n/);
  assert.match(script, /counter dsr_idle_0_refused \{ packets 3 bytes 180 \}/);
});

const asRoot = process.getuid?.() === 0 ? false : 'needs root for a network namespace';

test('nftables accepts the table, and a second load replaces the first', { skip: asRoot }, () => {
  const ns = `weir-dsr-nft-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    // The ingress hooks need their interfaces: a veth pair made inside the namespace.
    execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
    const load = (services: DsrService[]) =>
      execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: renderDsrTable(services), timeout: 10_000 });
    load([web, dns, idle]);
    load([web]);
    const listed = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'netdev', 'weir_dsr'], {
      encoding: 'utf8',
    });
    assert.match(listed, /chain dsr_web_0/);
    assert.doesNotMatch(listed, /dsr_dns_0|dsr_idle_0/);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
