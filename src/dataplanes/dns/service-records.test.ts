import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dnsSpec, monitor } from '../../../test/support/dns-spec.ts';
import { member } from '../../../test/support/kernel-spec.ts';
import type { AnswerSet } from '../../dns/answer-set.ts';
import type { AnswerPolicy } from './answer-policy.ts';
import { memberHostNames } from './member-host-names.ts';
import { mailExchangeRecords, serviceRecords, srvOwner } from './service-records.ts';

const POLICY: AnswerPolicy = { maxRecords: 8, minTtl: 5, maxTtl: 60, allDown: 'answer_all', fallback: [] };
const NOBODY_DOWN = new Set<string>();
const ZONE = 'www.lb.example.org';

/** Each record as `ttl data...` in presentation order (SRV: priority weight port target; MX: preference exchange). */
const shown = (set: AnswerSet | undefined) =>
  set?.records.map((record) => {
    const { ttl, data } = record as unknown as { ttl: number; data: Record<string, unknown> };
    return [ttl, ...Object.values(data)].join(' ');
  });

const MEMBERS = [
  member('m1', '192.0.2.1', { name: 'web1', port: 8080, weight: 3 }),
  member('m2', '192.0.2.2', { name: 'web2', port: 8081 }),
  member('b1', '192.0.2.9', { name: 'spare', port: 8082, backup: true, weight: 5 }),
  member('m0', '192.0.2.10', { name: 'drained', weight: 0 }),
];

function srv(lb: ReturnType<typeof dnsSpec>, down: ReadonlySet<string>, policy = POLICY) {
  const owners = serviceRecords(lb, down, policy, memberHostNames(lb));
  return Object.fromEntries([...owners].map(([owner, records]) => [owner, records.SRV && shown(records.SRV)]));
}

test('SRV owners: _<listener name as a host label, lower case, else its port>._<udp for UDP, else tcp>.<name>', () => {
  assert.equal(
    srvOwner(dnsSpec([], [{ name: 'HTTP', protocol: 'HTTP', port: 80 }]).listeners[0]!, 'WWW.x.'),
    '_http._tcp.www.x',
  );
  assert.equal(
    srvOwner(dnsSpec([], [{ name: '', protocol: 'UDP', port: 8080 }]).listeners[0]!, 'www.x'),
    '_8080._udp.www.x',
  );
  assert.equal(
    srvOwner(dnsSpec([], [{ name: 'my_api', protocol: 'TCP', port: 443 }]).listeners[0]!, 'www.x'),
    '_443._tcp.www.x',
  );
});

test('SRV: healthy members of both tiers, priority 10 and 20, member weight and port, host name targets', () => {
  const lb = dnsSpec(MEMBERS, [{ name: 'http', protocol: 'TCP', port: 80 }]);
  assert.deepEqual(srv(lb, NOBODY_DOWN), {
    [`_http._tcp.${ZONE}`]: [`60 10 3 8080 web1.${ZONE}`, `60 10 1 8081 web2.${ZONE}`, `60 20 5 8082 spare.${ZONE}`],
  });
  assert.deepEqual(srv(lb, new Set(['m1'])), {
    [`_http._tcp.${ZONE}`]: [`60 10 1 8081 web2.${ZONE}`, `60 20 5 8082 spare.${ZONE}`],
  });
});

test("SRV TTLs follow the pool's monitor as A records do, halved while only backups are up", () => {
  const lb = dnsSpec(MEMBERS, [{}], { healthMonitor: monitor({ delaySeconds: 10, maxRetries: 2, maxRetriesDown: 3 }) });
  assert.deepEqual(srv(lb, NOBODY_DOWN)[`_53._udp.${ZONE}`]?.[0], `30 10 3 8080 web1.${ZONE}`);
  assert.deepEqual(srv(lb, new Set(['m1', 'm2'])), { [`_53._udp.${ZONE}`]: [`10 20 5 8082 spare.${ZONE}`] });
});

test('SRV with every member down: all of them at the minimum TTL, SERVFAIL, or no records for fallback', () => {
  const lb = dnsSpec(MEMBERS);
  const allDown = new Set(['m1', 'm2', 'b1']);
  assert.deepEqual(srv(lb, allDown)[`_53._udp.${ZONE}`], [
    `5 10 3 8080 web1.${ZONE}`,
    `5 10 1 8081 web2.${ZONE}`,
    `5 20 5 8082 spare.${ZONE}`,
  ]);
  const servfail = serviceRecords(lb, allDown, { ...POLICY, allDown: 'servfail' }, memberHostNames(lb));
  assert.equal(servfail.get(`_53._udp.${ZONE}`)?.SRV?.servfail, true);
  const fallback = { ...POLICY, allDown: 'fallback', fallback: ['198.51.100.1'] } as const;
  assert.deepEqual(srv(lb, allDown, fallback), { [`_53._udp.${ZONE}`]: undefined }, 'the owner exists: NODATA');
});

test('listeners with the same owner: the first in spec order has it; admin down listeners have none', () => {
  const lb = dnsSpec(
    [member('m1', '192.0.2.1', { name: 'web1' })],
    [
      { name: 'api', protocol: 'TCP', port: 80 },
      { name: 'API', protocol: 'HTTPS', port: 443, defaultPoolId: 'other' },
      { name: 'api', protocol: 'UDP', port: 80 },
      { name: 'off', protocol: 'TCP', port: 81, adminStateUp: false },
    ],
  );
  assert.deepEqual(Object.keys(srv(lb, NOBODY_DOWN)), [`_api._tcp.${ZONE}`, `_api._udp.${ZONE}`]);
  const both = dnsSpec(
    [member('m1', '192.0.2.1', { name: 'web1' })],
    [
      { name: 'api', protocol: 'TCP', port: 80 },
      { name: 'api', protocol: 'HTTP', port: 8080 },
    ],
  );
  assert.deepEqual(srv(both, NOBODY_DOWN), { [`_api._tcp.${ZONE}`]: [`60 10 1 53 web1.${ZONE}`] });
});

test('MX for a TCP listener on port 25: preference 256 - weight for regular members, 512 - weight for backups', () => {
  const lb = dnsSpec(MEMBERS, [{ name: 'smtp', protocol: 'TCP', port: 25 }]);
  const mx = (down: ReadonlySet<string>, policy = POLICY) => mailExchangeRecords(lb, down, policy, memberHostNames(lb));
  assert.deepEqual(shown(mx(NOBODY_DOWN)), [`60 253 web1.${ZONE}`, `60 255 web2.${ZONE}`, `60 507 spare.${ZONE}`]);
  assert.deepEqual(shown(mx(new Set(['m2']))), [`60 253 web1.${ZONE}`, `60 507 spare.${ZONE}`]);
  const allDown = new Set(['m1', 'm2', 'b1']);
  assert.equal(shown(mx(allDown))?.length, 3);
  assert.equal(mx(allDown, { ...POLICY, allDown: 'servfail' })?.servfail, true);
  assert.equal(mx(allDown, { ...POLICY, allDown: 'fallback', fallback: ['198.51.100.1'] }), undefined);
});

test('no MX without a listener on port 25 over TCP', () => {
  const none = (listeners: Parameters<typeof dnsSpec>[1]) => {
    const lb = dnsSpec(MEMBERS, listeners);
    return mailExchangeRecords(lb, NOBODY_DOWN, POLICY, memberHostNames(lb));
  };
  assert.equal(none([{ protocol: 'UDP', port: 25 }]), undefined);
  assert.equal(none([{ protocol: 'TCP', port: 587 }]), undefined);
  assert.equal(none([{ protocol: 'TCP', port: 25, adminStateUp: false }]), undefined);
});
