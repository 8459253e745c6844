import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_ZONE, exampleAuthority, SERIAL } from '../../test/support/example-dns-authority.ts';
import { answer } from './answer.ts';
import { ZoneSet } from './zone-set.ts';

const ask = (name: string, type: string, klass = 'IN') =>
  answer({ name, type, class: klass } as Parameters<typeof answer>[0], exampleAuthority());
const negativeSoa = {
  name: 'lb.example.org',
  type: 'SOA',
  ttl: 60,
  data: {
    mname: 'ns1.lb.example.org',
    rname: 'hostmaster.example.org',
    serial: SERIAL,
    refresh: 3600,
    retry: 600,
    expire: 1209600,
    minimum: 300,
  },
};

test('SOA at the apex, with the serial of the moment and the zone TTL', () => {
  assert.deepEqual(ask('lb.example.org', 'SOA'), {
    rcode: 'NOERROR',
    authoritative: true,
    answers: [{ ...negativeSoa, ttl: 3600 }],
    authorities: [],
    additionals: [],
  });
});

test('NS at the apex, with glue A and AAAA for the nameserver inside the zone only', () => {
  const result = ask('LB.example.org', 'NS');
  assert.deepEqual(result.answers, [
    { name: 'LB.example.org', type: 'NS', ttl: 3600, data: 'ns1.lb.example.org' },
    { name: 'LB.example.org', type: 'NS', ttl: 3600, data: 'ns.example.net' },
  ]);
  assert.deepEqual(result.additionals, [
    { name: 'ns1.lb.example.org', type: 'A', ttl: 3600, data: '192.0.2.53' },
    { name: 'ns1.lb.example.org', type: 'AAAA', ttl: 3600, data: '2001:db8::53' },
  ]);
});

test("an in-zone nameserver's addresses are answered; NODATA for its other types", () => {
  assert.deepEqual(ask('ns1.lb.example.org', 'AAAA').answers, [
    { name: 'ns1.lb.example.org', type: 'AAAA', ttl: 3600, data: '2001:db8::53' },
  ]);
  assert.deepEqual(ask('ns1.lb.example.org', 'MX'), {
    rcode: 'NOERROR',
    authoritative: true,
    answers: [],
    authorities: [negativeSoa],
    additionals: [],
  });
});

test("published records come back under the question's own spelling, TTLs as published", () => {
  const result = ask('WwW.Lb.ExAmple.org', 'A');
  assert.equal(result.rcode, 'NOERROR');
  assert.equal(result.authoritative, true);
  assert.deepEqual(result.answers, [
    { name: 'WwW.Lb.ExAmple.org', type: 'A', ttl: 30, data: '198.51.100.10' },
    { name: 'WwW.Lb.ExAmple.org', type: 'A', ttl: 30, data: '198.51.100.11' },
  ]);
  assert.deepEqual(result.authorities, []);
  assert.deepEqual(
    ask('_http._tcp.www.lb.example.org', 'SRV').answers.map((record) => ('data' in record ? record.data : undefined)),
    [{ priority: 0, weight: 5, port: 8080, target: 'www.lb.example.org' }],
  );
  assert.deepEqual(
    ask('mail.lb.example.org', 'MX').answers.map((record) => ('data' in record ? record.data : undefined)),
    [{ preference: 10, exchange: 'www.lb.example.org' }],
  );
  assert.deepEqual(
    ask('txt.lb.example.org', 'TXT').answers.map((record) => ('data' in record ? record.data : undefined)),
    ['v=weir'],
  );
});

test('NXDOMAIN for a name that does not exist, NODATA for one without the type, both with the SOA at the negative TTL', () => {
  assert.deepEqual(ask('nope.lb.example.org', 'A'), {
    rcode: 'NXDOMAIN',
    authoritative: true,
    answers: [],
    authorities: [negativeSoa],
    additionals: [],
  });
  for (const [name, type] of [
    ['www.lb.example.org', 'TXT'],
    ['_tcp.www.lb.example.org', 'A'],
    ['lb.example.org', 'A'],
  ] as const) {
    assert.deepEqual(
      ask(name, type),
      { rcode: 'NOERROR', authoritative: true, answers: [], authorities: [negativeSoa], additionals: [] },
      `${name} ${type}`,
    );
  }
});

test('ANY gives every record of the name', () => {
  assert.deepEqual(
    ask('www.lb.example.org', 'ANY').answers.map((record) => record.type),
    ['A', 'A', 'AAAA'],
  );
});

test('REFUSED, without authority, outside every zone and for classes other than IN', () => {
  const refused = { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [], additionals: [] };
  assert.deepEqual(ask('example.org', 'SOA'), refused);
  assert.deepEqual(ask('xlb.example.org', 'A'), refused);
  assert.deepEqual(ask('www.lb.example.org', 'A', 'CH'), refused);
});

test('a name falls in its closest zone', () => {
  const inner = { ...EXAMPLE_ZONE, name: 'in.lb.example.org' };
  const zones = new ZoneSet([EXAMPLE_ZONE, inner]);
  assert.equal(zones.zoneOf('a.in.lb.example.org'), inner);
  assert.equal(zones.zoneOf('in.lb.example.org'), inner);
  assert.equal(zones.zoneOf('a.lb.example.org'), EXAMPLE_ZONE);
  assert.equal(zones.zoneOf('example.org'), undefined);
});
