import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSubnets } from '../network/subnet.ts';
import type { StoredTree } from '../store/load-balancer-tree.ts';
import { buildSpec } from './build-spec.ts';
import { memberChecks } from './member-checks.ts';

const tree: StoredTree = {
  loadbalancer: { id: 'lb', project_id: 'p', provider: 'noop', vip_address: '127.0.100.1', vip_subnet_id: 's' },
  listeners: [],
  pools: [{ id: 'pool', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }],
  members: [
    { id: 'ip', pool_id: 'pool', address: '192.0.2.5', protocol_port: 80, monitor_port: 8080 },
    { id: 'socket', pool_id: 'pool', address: 'unix:/run/weir-members/app.sock', protocol_port: 80 },
  ],
  healthmonitors: [{ id: 'hm', pool_id: 'pool', type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 }],
  l7policies: [],
  l7rules: [],
};
const settings = { subnets: resolveSubnets([]), maxConnectionsPerLoadBalancer: 0 };

test('a Unix socket member is carried with its socket path and probed on it', () => {
  const spec = buildSpec(tree, settings);
  const members = spec.pools[0]!.members;
  assert.deepEqual(
    members.map((m) => [m.address, m.socketPath]),
    [
      ['192.0.2.5', null],
      ['unix:/run/weir-members/app.sock', '/run/weir-members/app.sock'],
    ],
  );
  assert.deepEqual(
    memberChecks(spec).map((check) => check.target),
    [{ address: '192.0.2.5', port: 8080 }, { socketPath: '/run/weir-members/app.sock' }],
  );
});

test('max_connections_per_load_balancer reaches the spec; 0 is no cap', () => {
  assert.equal(buildSpec(tree, settings).maxConnections, null);
  assert.equal(buildSpec(tree, { ...settings, maxConnectionsPerLoadBalancer: 50000 }).maxConnections, 50000);
});

test("a pool's stored Maglev size and seed reach the spec; a pool stored without them gets the defaults", () => {
  assert.deepEqual(buildSpec(tree, settings).pools[0]!.maglev, { tableSize: 65537, seed: 0x5eed });
  const stored = { ...tree, pools: [{ ...tree.pools[0]!, maglev_table_size: 4099, maglev_seed: 0xfffffffe }] };
  assert.deepEqual(buildSpec(stored, settings).pools[0]!.maglev, { tableSize: 4099, seed: 0xfffffffe });
});

test("listeners' and members' names reach the spec (the dns provider's SRV owners and host names); none is ''", () => {
  const named = {
    ...tree,
    listeners: [{ id: 'l', protocol: 'TCP', protocol_port: 80, default_pool_id: 'pool', name: 'http' }],
    members: [{ ...tree.members[0]!, name: 'web1' }, tree.members[1]!],
  };
  const spec = buildSpec(named, settings);
  assert.equal(spec.listeners[0]!.name, 'http');
  assert.deepEqual(
    spec.pools[0]!.members.map((m) => m.name),
    ['web1', ''],
  );
});

test("a tls_enabled pool's checks go over TLS as the amphora's: HTTP and TCP unless sent elsewhere, HTTPS without CA", () => {
  const stored = { ...tree, pools: [{ ...tree.pools[0]!, tls_enabled: true }] };
  const withType = (type: string) => {
    const spec = buildSpec({ ...stored, healthmonitors: [{ ...stored.healthmonitors[0]!, type }] }, settings);
    return { pool: spec.pools[0]!, targets: memberChecks(spec).map((check) => check.target) };
  };
  for (const type of ['HTTP', 'TCP']) {
    const { pool, targets } = withType(type);
    // The first member is checked on its monitor_port, as HAProxy's `port` sends checks in clear.
    assert.deepEqual([targets[0]!.tls, targets[1]!.tls], [undefined, pool.tls], type);
  }
  const https = withType('HTTPS');
  assert.deepEqual(https.targets[0]!.tls, { ...https.pool.tls, caPem: null, crlPem: null });
  // One object per pool: its checks share one secure context.
  assert.equal(https.targets[0]!.tls, https.targets[1]!.tls);
  assert.equal(withType('TLS-HELLO').targets[1]!.tls, undefined);
  assert.equal(memberChecks(buildSpec(tree, settings))[1]!.target.tls, undefined);
});
