import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dnsSpec } from '../../../test/support/dns-spec.ts';
import { EXAMPLE_ZONE } from '../../../test/support/example-dns-authority.ts';
import { member } from '../../../test/support/kernel-spec.ts';
import { PublishedRecords } from '../../dns/published-records.ts';
import { DEFAULT_DRIVER_SETTINGS } from '../driver.ts';
import { dnsDriver } from './dns-driver.ts';

/** Nothing here aborts an apply or remove. */
const NEVER = new AbortController().signal;

function driver() {
  const records = new PublishedRecords();
  const dns = dnsDriver.create({
    ...DEFAULT_DRIVER_SETTINGS,
    dns: {
      listen: [{ host: '127.0.0.1', port: 5353 }],
      zones: [EXAMPLE_ZONE],
      records,
      answers: { maxRecords: 8, minTtl: 5, maxTtl: 60, allDown: 'answer_all', fallback: [] },
    },
  });
  /** The A addresses `name` answers, or undefined when it does not exist. */
  const addresses = (name: string) => records.lookup(name, 'A')?.records.map((r) => (r as { data: string }).data);
  return { dns, records, addresses };
}

const lb = (id: string, name: string, memberName = 'web1', address = '192.0.2.1') => ({
  ...dnsSpec([member(`${id}-m1`, address, { name: memberName })]),
  id,
  name,
});

test('a load balancer publishes its name, SRV owners and host names, and withdraws them when renamed or removed', async () => {
  const { dns, records, addresses } = driver();
  await dns.apply(lb('a', 'a.lb.example.org'), NEVER);
  assert.deepEqual(addresses('a.lb.example.org'), ['192.0.2.1']);
  assert.deepEqual(addresses('web1.a.lb.example.org'), ['192.0.2.1']);
  assert.equal(records.lookup('_53._udp.a.lb.example.org', 'SRV')?.records.length, 1);
  await dns.apply(lb('a', 'a.lb.example.org', 'web-one'), NEVER);
  assert.deepEqual(
    [addresses('web1.a.lb.example.org'), addresses('web-one.a.lb.example.org')],
    [undefined, ['192.0.2.1']],
  );
  await dns.remove('a', NEVER);
  for (const name of ['a.lb.example.org', 'web-one.a.lb.example.org', '_53._udp.a.lb.example.org']) {
    assert.equal(records.lookup(name, 'A'), undefined, name);
  }
});

test("another load balancer's main name wins over a host name, which comes back when that load balancer goes", async () => {
  const { dns, addresses } = driver();
  await dns.apply(lb('a', 'a.lb.example.org'), NEVER);
  await dns.apply(lb('b', 'web1.a.lb.example.org', 'web1', '192.0.2.2'), NEVER);
  assert.deepEqual(addresses('web1.a.lb.example.org'), ['192.0.2.2']);
  await dns.setMemberHealth('a', 'a-m1', false);
  assert.deepEqual(addresses('web1.a.lb.example.org'), ['192.0.2.2'], "a's republishing leaves b's name");
  await assert.rejects(dns.apply(lb('c', 'web1.a.lb.example.org'), NEVER), /is published by b/);
  await dns.remove('b', NEVER);
  assert.deepEqual(addresses('web1.a.lb.example.org'), ['192.0.2.1']);
});
