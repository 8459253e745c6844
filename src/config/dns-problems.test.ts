import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configProblems } from '../../test/support/config-problems.ts';
import { parseConfig } from './load-config.ts';

const problems = configProblems;

const zone = (lines: string) => `dns:\n  zones:\n    - ${lines.replaceAll('\n', '\n      ')}\n`;

test('no dns section: no listener and no zones; a zone gets its SOA timers by default', () => {
  const answers = { max_records: 8, min_ttl: 5, max_ttl: 60, all_down: 'answer_all', fallback: [] };
  assert.deepEqual(parseConfig('', 'weir.yaml').dns, { listen: [], zones: [], answers });
  const config = parseConfig(
    `dns:\n  listen: [127.0.0.1:5353, "[::1]:5353"]\n${zone('name: LB.example.org.\nnameservers: [ns.example.net]\nhostmaster: hostmaster.example.org').slice(5)}`,
    'weir.yaml',
  );
  assert.deepEqual(config.dns, {
    listen: ['127.0.0.1:5353', '[::1]:5353'],
    zones: [
      {
        name: 'LB.example.org.',
        nameservers: ['ns.example.net'],
        hostmaster: 'hostmaster.example.org',
        glue: {},
        ttl: 3600,
        refresh: 3600,
        retry: 600,
        expire: 1209600,
        minimum: 300,
        negative_ttl: 60,
      },
    ],
    answers,
  });
});

test('listen addresses and names must parse', () => {
  assert.deepEqual(
    problems(
      `dns:\n  listen: [127.0.0.1]\n${zone('name: lb..org\nnameservers: [-ns.example.net]\nhostmaster: "a b.org"').slice(5)}`,
    ),
    [
      '2:12 dns.listen[0]: "127.0.0.1" is not host:port (e.g. 127.0.0.1:9876, or [::1]:9876 for IPv6)',
      '4:13 dns.zones[0].name: "lb..org" is not a domain name: label "" must be 1 to 63 letters, digits, - or _, not starting or ending with -',
      '5:21 dns.zones[0].nameservers[0]: "-ns.example.net" is not a domain name: label "-ns" must be 1 to 63 letters, digits, - or _, not starting or ending with -',
      '6:19 dns.zones[0].hostmaster: "a b.org" is not a domain name: label "a b" must be 1 to 63 letters, digits, - or _, not starting or ending with -',
    ],
  );
});

test('a nameserver inside the zone needs glue; glue only for in-zone nameservers, with addresses', () => {
  assert.deepEqual(
    problems(
      zone(
        'name: lb.example.org\nnameservers: [ns1.lb.example.org, ns.example.net]\nhostmaster: h.example.org\nglue:\n  ns.example.net: [192.0.2.1]\n  ns9.lb.example.org: [192.0.2.9]',
      ),
    ),
    [
      '4:21 dns.zones[0].nameservers[0]: ns1.lb.example.org lies inside the zone: give its addresses under glue',
      '7:9 dns.zones[0].glue.ns.example.net: ns.example.net lies outside the zone: its addresses come from its own zone, not glue',
      "8:9 dns.zones[0].glue.ns9.lb.example.org: ns9.lb.example.org is none of the zone's nameservers",
    ],
  );
  assert.deepEqual(
    problems(
      zone(
        'name: lb.example.org\nnameservers: [NS1.lb.example.org.]\nhostmaster: h.example.org\nglue:\n  ns1.lb.example.org: [192.0.2.1, "2001:db8::1", ns1]',
      ),
    ),
    ['7:56 dns.zones[0].glue.ns1.lb.example.org[2]: "ns1" is not an IP address'],
  );
});

test('no zone inside another, nor twice', () => {
  const entry = (name: string) =>
    `  - name: ${name}\n    nameservers: [ns.example.net]\n    hostmaster: h.example.net\n`;
  assert.deepEqual(
    problems(`dns:\n  zones:\n${entry('example.org')}${entry('lb.Example.org')}${entry('example.org.')}`),
    [
      '6:11 dns.zones[1].name: zone lb.example.org lies inside zone example.org',
      '9:11 dns.zones[2].name: zone example.org is listed twice',
    ],
  );
});

test('the first listen address is what dns load balancers report, so it may not be a wildcard', () => {
  assert.deepEqual(problems('dns:\n  listen: ["0.0.0.0:5353", "[::]:5353"]\n'), [
    '2:12 dns.listen[0]: 0.0.0.0 is a wildcard, and dns load balancers report the first address as their vip_address: list an address clients reach first',
  ]);
  assert.deepEqual(problems('dns:\n  listen: ["192.0.2.53:53", "[::]:53"]\n'), []);
});

test('answers: TTL bounds in order, fallback addresses exactly when all_down is fallback', () => {
  assert.deepEqual(problems('dns:\n  answers:\n    min_ttl: 90\n    max_ttl: 30\n'), [
    '3:14 dns.answers.min_ttl: min_ttl 90 exceeds max_ttl 30',
  ]);
  assert.deepEqual(problems('dns:\n  answers:\n    all_down: fallback\n'), [
    '3:15 dns.answers.all_down: all_down: fallback needs addresses under fallback',
  ]);
  assert.deepEqual(problems('dns:\n  answers:\n    all_down: fallback\n    fallback: [192.0.2.1, nowhere]\n'), [
    '4:27 dns.answers.fallback[1]: "nowhere" is not an IP address',
  ]);
  assert.deepEqual(problems('dns:\n  answers:\n    fallback: [192.0.2.1]\n'), [
    '3:15 dns.answers.fallback: fallback addresses are only answered with all_down: fallback',
  ]);
  assert.deepEqual(problems('dns:\n  answers:\n    all_down: fallback\n    fallback: ["2001:db8::1"]\n'), []);
});
