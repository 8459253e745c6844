/** The DNS server on real loopback sockets, asked by `dig` (Debian bind9-dnsutils) over UDP and TCP. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DnsServer } from '../../../src/dns/dns-server.ts';
import { digAt, hasDig, skipWithoutDig as skip } from '../../support/dig.ts';
import { BIG_RECORDS, exampleAuthority } from '../../support/example-dns-authority.ts';

let server: DnsServer;
let port: string;

before(async () => {
  if (!hasDig) return;
  server = await DnsServer.start([{ host: '127.0.0.1', port: 0 }], exampleAuthority());
  port = server.addresses[0]!.split(':')[1]!;
});
after(() => server?.close());

const dig = (...args: string[]) => digAt(port, ...args);

test('A records over UDP, authoritative, no recursion offered', { skip }, async () => {
  const reply = await dig('www.lb.example.org', 'A');
  assert.equal(reply.status, 'NOERROR');
  assert.equal(reply.transport, 'UDP');
  assert.deepEqual(reply.flags, ['qr', 'aa']);
  assert.deepEqual(reply.answers, [
    'www.lb.example.org. 30 IN A 198.51.100.10',
    'www.lb.example.org. 30 IN A 198.51.100.11',
  ]);
});

test('the same over TCP, and SRV, MX, TXT, AAAA', { skip }, async () => {
  const reply = await dig('+tcp', 'www.lb.example.org', 'AAAA');
  assert.equal(reply.transport, 'TCP');
  assert.deepEqual(reply.answers, ['www.lb.example.org. 30 IN AAAA 2001:db8::10']);
  assert.deepEqual((await dig('_http._tcp.www.lb.example.org', 'SRV')).answers, [
    '_http._tcp.www.lb.example.org. 30 IN SRV 0 5 8080 www.lb.example.org.',
  ]);
  assert.deepEqual((await dig('mail.lb.example.org', 'MX')).answers, [
    'mail.lb.example.org. 30 IN MX 10 www.lb.example.org.',
  ]);
  assert.deepEqual((await dig('txt.lb.example.org', 'TXT')).answers, ['txt.lb.example.org. 30 IN TXT "v=weir"']);
});

test('SOA and NS at the apex, with glue for the in-zone nameserver', { skip }, async () => {
  assert.deepEqual((await dig('lb.example.org', 'SOA')).answers, [
    'lb.example.org. 3600 IN SOA ns1.lb.example.org. hostmaster.example.org. 2026112801 3600 600 1209600 300',
  ]);
  const ns = await dig('lb.example.org', 'NS');
  assert.deepEqual(ns.answers, [
    'lb.example.org. 3600 IN NS ns1.lb.example.org.',
    'lb.example.org. 3600 IN NS ns.example.net.',
  ]);
  assert.deepEqual(
    ns.additional.filter((line) => !line.startsWith(';')),
    ['ns1.lb.example.org. 3600 IN A 192.0.2.53', 'ns1.lb.example.org. 3600 IN AAAA 2001:db8::53'],
  );
});

test('EDNS0 comes back with a 1232-byte buffer; version 1 gets BADVERS', { skip }, async () => {
  assert.match((await dig('+edns=0', 'www.lb.example.org')).text, /; EDNS: version: 0, flags:; udp: 1232/);
  const badvers = await dig('+edns=1', '+noednsnegotiation', 'www.lb.example.org');
  assert.equal(badvers.status, 'BADVERS');
  assert.deepEqual(badvers.answers, []);
});

test('NOTIMP for an opcode other than QUERY', { skip }, async () => {
  assert.equal((await dig('+opcode=status', 'www.lb.example.org')).status, 'NOTIMP');
  assert.equal((await dig('+opcode=update', 'www.lb.example.org')).status, 'NOTIMP');
});

test('a large answer is truncated over UDP and whole after the fallback to TCP', { skip }, async () => {
  const truncated = await dig('+noedns', '+ignore', 'big.lb.example.org');
  assert.ok(truncated.flags.includes('tc'), truncated.text);
  assert.deepEqual(truncated.answers, []);
  const truncatedEdns = await dig('+bufsize=1232', '+ignore', 'big.lb.example.org');
  assert.ok(truncatedEdns.flags.includes('tc'), truncatedEdns.text);
  const retried = await dig('+noedns', 'big.lb.example.org');
  assert.match(retried.text, /Truncated, retrying in TCP mode/);
  assert.equal(retried.transport, 'TCP');
  assert.equal(retried.answers.length, BIG_RECORDS);
  assert.ok(!retried.flags.includes('tc'));
});

test('NXDOMAIN for a missing name, NODATA for a missing type, each with the SOA', { skip }, async () => {
  const soa = 'lb.example.org. 60 IN SOA ns1.lb.example.org. hostmaster.example.org. 2026112801 3600 600 1209600 300';
  const nx = await dig('nope.lb.example.org', 'A');
  assert.deepEqual([nx.status, nx.flags, nx.answers, nx.authority], ['NXDOMAIN', ['qr', 'aa'], [], [soa]]);
  const nodata = await dig('www.lb.example.org', 'TXT');
  assert.deepEqual(
    [nodata.status, nodata.flags, nodata.answers, nodata.authority],
    ['NOERROR', ['qr', 'aa'], [], [soa]],
  );
  const nonTerminal = await dig('_tcp.www.lb.example.org', 'A');
  assert.equal(nonTerminal.status, 'NOERROR');
});

test('REFUSED outside every zone, recursion asked or not', { skip }, async () => {
  const refused = await dig('www.example.com', 'A');
  assert.deepEqual([refused.status, refused.flags, refused.answers], ['REFUSED', ['qr'], []]);
  const recursive = await dig('+rec', 'www.example.com', 'A');
  assert.deepEqual([recursive.status, recursive.flags], ['REFUSED', ['qr', 'rd']]);
});

test("the question's case comes back as asked", { skip }, async () => {
  const reply = await dig('WwW.Lb.ExAmple.Org', 'A');
  assert.equal(reply.question, ';WwW.Lb.ExAmple.Org. IN A');
  assert.equal(reply.answers.length, 2);
  assert.ok(reply.answers.every((line) => line.startsWith('WwW.Lb.ExAmple.Org. ')));
});
