import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dsrMemberCommand, dsrMemberCommands } from './dsr-member-command.ts';

const text = (commands: string[][]) => commands.map((c) => c.join(' '));

test('IPv4 VIPs go on lo with ARP for them switched off, for all interfaces and the ones named', () => {
  assert.deepEqual(text(dsrMemberCommands(['192.0.2.10'], ['eth0'])), [
    'ip address replace 192.0.2.10/32 dev lo',
    'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2',
    'sysctl -qw net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2',
  ]);
});

test('IPv6 VIPs need only the address on lo: neighbour discovery answers for the interface asked on alone', () => {
  assert.deepEqual(text(dsrMemberCommands(['2001:db8::10'])), ['ip -6 address replace 2001:db8::10/128 dev lo']);
});

test('what is not an address is refused, and nothing is printed or run', () => {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (lines: string[]) => ({ write: (t: string) => lines.push(t) });
  assert.equal(dsrMemberCommand(['192.0.2.10', 'vip.example'], { run: true }, sink(out), sink(err)), 2);
  assert.deepEqual(out, []);
  assert.match(err.join(''), /not addresses: vip\.example/);
});
