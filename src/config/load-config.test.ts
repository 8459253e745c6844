import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { networkIdFor, subnetIdFor } from '../network/stable-id.ts';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { loadConfig, parseConfig } from './load-config.ts';

const fullFile = `# every section
server:
  listen: "[::1]:8080"
  data_dir: /var/lib/weir
  auth: keystone
  default_project_id: 0123456789abcdef0123456789abcdef
  tls:
    cert_file: /etc/weir/api.pem
    key_file: /etc/weir/api.key
  max_body_bytes: 65536
keystone:
  auth_url: https://keystone.example.com:5000/v3
  username: weir
  password: secret
  project_name: service
  token_cache_time: 60
policy:
  "os_load-balancer_api:loadbalancer:post": "rule:load-balancer:admin"
tenancy:
  allow_loopback_members: true
  denied_member_cidrs: [10.0.0.0/8]
  unix_socket_directories: [/run/weir-members]
  max_connections_per_load_balancer: 10000
audit:
  path: /var/log/weir/audit.jsonl
store:
  driver: sqlite
  sqlite:
    path: /var/lib/weir/state.db
subnets:
  - name: public
    cidr: 192.0.2.0/24
    allocation_pools:
      - start: 192.0.2.10
        end: 192.0.2.99
    interface: eth0
    gateway_ip: 192.0.2.1
    network_name: internet
  - name: public-v6
    cidr: 2001:db8:0::/64
    network_name: internet
trusted_proxies: [10.0.0.0/8, 2001:db8::5]
dns:
  listen: [192.0.2.53:53]
  zones:
    - name: lb.example.com
      nameservers: [ns1.lb.example.com, ns.example.net]
      hostmaster: hostmaster.example.com
      glue:
        ns1.lb.example.com: [192.0.2.53]
bgp:
  asn: 65001
  router_id: 192.0.2.1
  peers:
    - address: 192.0.2.254
      asn: 65000
node:
  name: lb-1
  id: node-1
`;

function issuesOf(text: string): ConfigIssue[] {
  try {
    parseConfig(text, 'weir.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.issues];
  }
  assert.fail('expected a ConfigError');
}

/** Asserts the single problem of `text`, and that the message carries file:line:column, key path and reason. */
function assertProblem(text: string, line: number, column: number, path: string, reason: RegExp): void {
  const issues = issuesOf(text);
  assert.equal(issues.length, 1, JSON.stringify(issues));
  const [issue] = issues;
  assert.deepEqual(
    [issue!.where, issue!.line, issue!.column, issue!.path],
    [`weir.yaml:${line}:${column}`, line, column, path],
  );
  assert.match(issue!.reason, reason);
  try {
    parseConfig(text, 'weir.yaml');
  } catch (error) {
    assert.ok((error as Error).message.startsWith(`weir.yaml:${line}:${column}: ${path}: `));
  }
}

test('a file using every section loads, canonical and resolved', () => {
  const config = parseConfig(fullFile, 'weir.yaml');
  assert.equal(config.server.listen, '[::1]:8080');
  assert.equal(config.server.auth, 'keystone');
  assert.deepEqual(config.server.tls, { cert_file: '/etc/weir/api.pem', key_file: '/etc/weir/api.key' });
  assert.equal(config.keystone?.auth_url, 'https://keystone.example.com:5000/v3');
  assert.equal(config.keystone?.user_domain_name, 'Default');
  assert.equal(config.keystone?.token_cache_time, 60);
  assert.deepEqual(config.policy, { 'os_load-balancer_api:loadbalancer:post': 'rule:load-balancer:admin' });
  assert.equal(config.tenancy.max_connections_per_load_balancer, 10000);
  assert.equal(config.audit.path, '/var/log/weir/audit.jsonl');
  assert.equal(config.server.max_body_bytes, 65536);
  assert.equal(config.store.sqlite.path, '/var/lib/weir/state.db');
  assert.deepEqual(config.trusted_proxies, ['10.0.0.0/8', '2001:db8::5']);
  assert.deepEqual(config.node, { name: 'lb-1', id: 'node-1' });
  assert.equal(config.bgp?.peers?.[0]?.asn, 65000);
  assert.deepEqual(
    config.subnets.map((s) => [s.name, s.cidr, s.networkName, s.networkId, s.interface, s.gatewayIp]),
    [
      ['public', '192.0.2.0/24', 'internet', networkIdFor('internet'), 'eth0', '192.0.2.1'],
      ['public-v6', '2001:db8::/64', 'internet', networkIdFor('internet'), null, null],
    ],
  );
  assert.deepEqual(config.subnets[0]!.allocationPools, [{ start: '192.0.2.10', end: '192.0.2.99' }]);
});

test('no file means every default, with the local subnet', () => {
  const config = loadConfig(undefined);
  assert.deepEqual(config.server, {
    listen: '127.0.0.1:9876',
    data_dir: './var',
    auth: 'noauth',
    default_project_id: '00000000000000000000000000000000',
    allow_plaintext: false,
    max_body_bytes: 1048576,
    metrics: true,
  });
  assert.deepEqual(config.store, { driver: 'sqlite', sqlite: { path: join('var', 'weir.sqlite') } });
  assert.deepEqual(config.trusted_proxies, []);
  assert.deepEqual(config.node, { name: hostname() });
  assert.equal(config.subnets.length, 1);
  assert.deepEqual(
    { ...config.subnets[0] },
    {
      id: subnetIdFor('local'),
      name: 'local',
      networkId: networkIdFor('local'),
      networkName: 'local',
      cidr: '127.0.0.0/8',
      ipVersion: 4,
      allocationPools: [{ start: '127.0.100.1', end: '127.0.100.254' }],
      gatewayIp: null,
      interface: null,
      projects: null,
    },
  );
  assert.deepEqual(parseConfig('', 'empty.yaml'), config);
  assert.deepEqual(parseConfig('server: {}\n', 'partial.yaml').server, config.server);
});

test('command-line overrides win over the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-config-'));
  const path = join(dir, 'weir.yaml');
  writeFileSync(path, 'server:\n  listen: 127.0.0.1:1\n  data_dir: /from/file\n');
  const config = loadConfig(path, { listen: '0.0.0.0:9876', dataDir: '/from/flag' });
  assert.equal(config.server.listen, '0.0.0.0:9876');
  assert.equal(config.server.data_dir, '/from/flag');
  assert.equal(config.store.sqlite.path, join('/from/flag', 'weir.sqlite'));
  assert.equal(loadConfig(undefined, { listen: '[::]:80' }).server.listen, '[::]:80');
  assert.throws(() => loadConfig(path, { listen: 'localhost' }), {
    name: 'ConfigError',
    message: /^--listen: server\.listen: "localhost" is not host:port/,
  });
});

test('subnet ids are the same across loads and derived from names only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-config-'));
  const path = join(dir, 'weir.yaml');
  writeFileSync(path, fullFile);
  const first = loadConfig(path).subnets.map((s) => [s.id, s.networkId]);
  const second = loadConfig(path).subnets.map((s) => [s.id, s.networkId]);
  assert.deepEqual(first, second);
  assert.deepEqual(first[0], [subnetIdFor('public'), networkIdFor('internet')]);
  const renamedCidr = parseConfig(
    fullFile.replace('192.0.2.0/24', '198.51.100.0/24').replace(/192\.0\.2\.(10|99|1)\b/g, '198.51.100.$1'),
    'x',
  );
  assert.equal(renamedCidr.subnets[0]!.id, first[0]![0]);
});

test('an unknown key is named where it is written', () => {
  assertProblem(
    'server:\n  listen: 127.0.0.1:1\n  lisen: x\n',
    3,
    3,
    'server.lisen',
    /^unknown key "lisen"; expected one of: listen, /,
  );
  assertProblem(
    'subnets:\n  - name: a\n    cidr: 10.0.0.0/8\n    pools: []\n',
    4,
    5,
    'subnets[0].pools',
    /unknown key "pools"/,
  );
  assertProblem('loadbalancers: []\n', 1, 1, 'loadbalancers', /unknown key/);
  // Certificates come from the key manager; the old reserved section is an unknown key like any other.
  assertProblem(
    'trusted_proxies: []\nsecrets:\n  directory: /etc/weir/tls\n',
    2,
    1,
    'secrets',
    /^unknown key "secrets"/,
  );
});

test('a value of the wrong type says what was expected and what was found', () => {
  assertProblem(
    'server:\n  max_body_bytes: lots\n',
    2,
    19,
    'server.max_body_bytes',
    /^expected a whole number, got "lots"$/,
  );
  assertProblem('subnets:\n  name: a\n', 2, 3, 'subnets', /^expected a list, got a mapping$/);
  assertProblem('server:\n  auth: ldap\n', 2, 9, 'server.auth', /expected one of "noauth", "keystone", got "ldap"/);
  assertProblem('server:\n  default_project_id: abc\n', 2, 23, 'server.default_project_id', /32 lowercase hexadecimal/);
  assertProblem('node:\n', 1, 1, 'node', /expected a mapping .*, got nothing/);
  assertProblem('- a\n', 1, 1, '(top level)', /must be a mapping of sections/);
});

test('a missing required key points at the mapping that lacks it', () => {
  assertProblem('subnets:\n  - name: a\n', 2, 5, 'subnets[0].cidr', /^required key "cidr" is missing$/);
});

test('a bad CIDR is explained', () => {
  assertProblem(
    'subnets:\n  - name: a\n    cidr: 10.0.0.0/33\n',
    3,
    11,
    'subnets[0].cidr',
    /prefix length must be a number from 0 to 32/,
  );
  assertProblem(
    'subnets:\n  - name: a\n    cidr: 10.0.0.1/8\n',
    3,
    11,
    'subnets[0].cidr',
    /host bits set; the network is 10\.0\.0\.0\/8/,
  );
  assertProblem('subnets:\n  - name: a\n    cidr: fd00::g/64\n', 3, 11, 'subnets[0].cidr', /not an IP address/);
  assertProblem(
    'trusted_proxies:\n  - 10.0.0.0/8\n  - proxy.example\n',
    3,
    5,
    'trusted_proxies[1]',
    /neither an IP address nor a CIDR/,
  );
});

const poolFile = (start: string, end: string) =>
  `subnets:\n  - name: a\n    cidr: 192.0.2.0/24\n    allocation_pools:\n      - start: ${start}\n        end: ${end}\n`;

test('allocation pools must lie inside the CIDR, in order, apart', () => {
  assertProblem(
    poolFile('192.0.2.10', '192.0.3.1'),
    6,
    14,
    'subnets[0].allocation_pools[0].end',
    /192\.0\.3\.1 is outside the subnet's CIDR 192\.0\.2\.0\/24/,
  );
  assertProblem(
    poolFile('192.0.2.10', '2001:db8::1'),
    6,
    14,
    'subnets[0].allocation_pools[0].end',
    /outside the subnet's CIDR/,
  );
  assertProblem(
    poolFile('192.0.2.99', '192.0.2.10'),
    5,
    9,
    'subnets[0].allocation_pools[0]',
    /^start 192\.0\.2\.99 is after end 192\.0\.2\.10$/,
  );
  assertProblem(
    `${poolFile('192.0.2.10', '192.0.2.20')}      - start: 192.0.2.20\n        end: 192.0.2.30\n`,
    7,
    9,
    'subnets[0].allocation_pools[1]',
    /overlaps subnets\[0\]\.allocation_pools\[0\]/,
  );
  assertProblem(
    'subnets:\n  - name: a\n    cidr: 192.0.2.0/24\n    gateway_ip: 192.0.3.1\n',
    4,
    17,
    'subnets[0].gateway_ip',
    /outside/,
  );
});

test('subnet names must be unique, since ids derive from them', () => {
  assertProblem(
    'subnets:\n  - name: a\n    cidr: 192.0.2.0/24\n  - name: a\n    cidr: 198.51.100.0/24\n',
    4,
    11,
    'subnets[1].name',
    /^duplicate subnet name "a", already used by subnets\[0\]$/,
  );
});

test('policy overrides and denied member networks are checked where they are written', () => {
  assertProblem(
    'policy:\n  "os_load-balancer_api:pool:post": "role:a and"\n',
    2,
    37,
    'policy.os_load-balancer_api:pool:post',
    /^"role:a and": ends where a check was expected$/,
  );
  assertProblem('policy:\n  x: "rule:nope"\n', 2, 6, 'policy.x', /^refers to rule "nope", which does not exist$/);
  assertProblem(
    'tenancy:\n  denied_member_cidrs: [banana]\n',
    2,
    25,
    'tenancy.denied_member_cidrs[0]',
    /is neither an IP address nor a CIDR/,
  );
  assertProblem(
    'balancing:\n  maglev_table_size: 65536\n',
    2,
    22,
    'balancing.maglev_table_size',
    /^Maglev table size 65536 is not a prime$/,
  );
});

test('settings a choice needs, listen addresses and YAML syntax are checked', () => {
  assertProblem('store:\n  driver: postgres\n', 2, 3, 'store.postgres', /required when driver is postgres/);
  assertProblem('server:\n  auth: keystone\n', 1, 1, 'keystone', /required when server.auth is keystone/);
  assertProblem('server:\n  listen: 127.0.0.1:70000\n', 2, 11, 'server.listen', /above 65535/);
  assertProblem('server:\n  listen: [a\n', 3, 1, '(syntax)', /^invalid YAML: /);
  assertProblem('server: {}\nserver: {}\n', 2, 1, '(syntax)', /unique/);
});

test('every problem in a file is reported, one line each, in file order', () => {
  const issues = issuesOf('server:\n  listen: 1\n  extra: 2\nstore:\n  driver: mysql\n');
  assert.deepEqual(
    issues.map((i) => `${i.where} ${i.path}`),
    ['weir.yaml:2:11 server.listen', 'weir.yaml:3:3 server.extra', 'weir.yaml:5:11 store.driver'],
  );
});

test('a file that cannot be read is a ConfigError naming it', () => {
  assert.throws(() => loadConfig('/nonexistent/weir.yaml'), {
    name: 'ConfigError',
    message: '/nonexistent/weir.yaml: (file): cannot read the file: it does not exist',
  });
});
