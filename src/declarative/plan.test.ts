import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileTrees, serviceTrees } from '../../test/support/service-trees.ts';
import { type Change, type Plan, PlanRefused, planChanges } from './plan.ts';
import { planText } from './plan-text.ts';

/** `~ listener web/HTTP:80 name,connection_limit`: what each change is, in order. */
const summary = (plan: Plan): string[] =>
  plan.changes.map((c: Change) => `${c.action} ${c.kind} ${c.label} ${c.fields.map((f) => f.field).join(',')}`.trim());

const WEB = `loadbalancers:
  - name: web
    vip_subnet_id: 11111111-2222-3333-4444-555555555555
    listeners:
      - name: http
        protocol: HTTP
        protocol_port: 80
        default_pool: app
        connection_limit: 100
        l7policies:
          - action: REDIRECT_TO_POOL
            redirect_pool: api
            rules:
              - { type: PATH, compare_type: STARTS_WITH, value: /api }
    pools:
      - name: app
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
        tags: [a, b]
        members:
          - { address: 10.0.0.11, protocol_port: 8080 }
          - { address: "2001:db8::12", protocol_port: 8080, weight: 3 }
        healthmonitor: { type: HTTP, delay: 5, timeout: 3, max_retries: 2 }
      - name: api
        protocol: HTTP
        lb_algorithm: LEAST_CONNECTIONS
`;

test('a file the service already matches plans nothing, whatever the defaults, tag order and address spelling', () => {
  const service = serviceTrees(WEB, {
    'pool web/app': { tags: ['b', 'a'], session_persistence: null },
    'member web/app/[2001:db8::12]:8080': { address: '2001:0db8:0:0::12' },
    // Chosen by the service: a file that does not say leaves them as they are.
    'loadbalancer web': { vip_address: '127.0.100.7', provider: 'noop' },
  });
  const plan = planChanges(fileTrees(WEB), service, { prune: false });
  assert.deepEqual(plan.changes, []);
  assert.equal(planText(plan), 'no differences\n');
});

test('an empty service: everything is created, parents before children, pools before the listener naming them', () => {
  const plan = planChanges(fileTrees(WEB), [], { prune: false });
  assert.deepEqual(summary(plan), [
    'create loadbalancer web name,vip_subnet_id',
    'create pool web/app name,protocol,lb_algorithm,tags',
    'create member web/app/10.0.0.11:8080 address,protocol_port',
    'create member web/app/[2001:db8::12]:8080 address,protocol_port,weight',
    'create healthmonitor web/app type,delay,timeout,max_retries',
    'create pool web/api name,protocol,lb_algorithm',
    'create listener web/HTTP:80 name,protocol,protocol_port,connection_limit,default_pool_id',
    'create l7policy web/HTTP:80/1 action,redirect_pool_id',
    'create l7rule web/HTTP:80/1/PATH STARTS_WITH /api type,compare_type,value',
  ]);
  const listener = plan.changes[6]!;
  const app = plan.changes[1]!.node;
  assert.equal(listener.fields.at(-1)!.pool, app, 'the listener is given the id of the pool once it exists');
  assert.equal(listener.parent, plan.changes[0]!.node);
});

test('a changed field is updated alone; one the file dropped goes back to its default', () => {
  const file = WEB.replace('        connection_limit: 100\n', '').replace('weight: 3', 'weight: 5');
  const plan = planChanges(fileTrees(file), serviceTrees(WEB), { prune: false });
  assert.deepEqual(summary(plan), [
    'update member web/app/[2001:db8::12]:8080 weight',
    'update listener web/HTTP:80 connection_limit',
  ]);
  assert.deepEqual(plan.changes[1]!.fields, [{ field: 'connection_limit', from: 100, to: -1 }]);
  assert.equal(
    planText(plan),
    [
      '~ member web/app/[2001:db8::12]:8080',
      '    weight: 3 -> 5',
      '~ listener web/HTTP:80',
      '    connection_limit: 100 -> -1',
      '0 to create, 2 to update, 0 to delete',
      '',
    ].join('\n'),
  );
});

test('what the file no longer has is deleted, children first, and what it adds is created', () => {
  const file = WEB.replace(/ {10}- \{ address: "2001:db8::12".*\n/, '')
    .replace(/ {8}healthmonitor: .*\n/, '')
    .replace('      - name: api\n', '      - name: api2\n')
    .replace('redirect_pool: api', 'redirect_pool: api2');
  const plan = planChanges(fileTrees(file), serviceTrees(WEB), { prune: false });
  assert.deepEqual(summary(plan), [
    'delete member web/app/[2001:db8::12]:8080',
    'delete healthmonitor web/app',
    'create pool web/api2 name,protocol,lb_algorithm',
    'delete pool web/api',
    'update l7policy web/HTTP:80/1 redirect_pool_id',
  ]);
  assert.equal(plan.changes[3]!.deletedWith, 'pool');
  assert.equal(plan.changes[0]!.deletedWith, 'member');
  assert.deepEqual(
    plan.changes[4]!.fields.map((f) => [f.from, f.to]),
    [['api', 'api2']],
  );
});

test('a field set at creation replaces the object, and what names it follows the new one', () => {
  const plan = planChanges(
    fileTrees(
      WEB.replace(
        'protocol: HTTP\n        lb_algorithm: ROUND_ROBIN',
        'protocol: PROXY\n        lb_algorithm: ROUND_ROBIN',
      ),
    ),
    serviceTrees(WEB),
    {
      prune: false,
    },
  );
  assert.deepEqual(summary(plan).slice(0, 4), [
    'delete member web/app/10.0.0.11:8080',
    'delete member web/app/[2001:db8::12]:8080',
    'delete healthmonitor web/app',
    'delete pool web/app',
  ]);
  assert.ok(plan.changes.slice(0, 4).every((c) => c.deletedWith === 'pool'));
  assert.deepEqual(summary(plan).slice(4), [
    'create pool web/app name,protocol,lb_algorithm,tags',
    'create member web/app/10.0.0.11:8080 address,protocol_port',
    'create member web/app/[2001:db8::12]:8080 address,protocol_port,weight',
    'create healthmonitor web/app type,delay,timeout,max_retries',
    'update listener web/HTTP:80 default_pool_id',
  ]);
  assert.deepEqual(plan.changes[3]!.replacing, [{ field: 'protocol', from: 'HTTP', to: 'PROXY' }]);
  assert.match(planText(plan), /^- pool web\/app \(to be replaced: protocol HTTP -> PROXY\)$/m);
  assert.match(planText(plan), /^\+ pool web\/app \(replacing it: protocol HTTP -> PROXY\)$/m);
});

test('a listener on the same port with another protocol replaces it; rules are told apart by what they match', () => {
  const file = WEB.replace(
    'protocol: HTTP\n        protocol_port: 80',
    'protocol: TERMINATED_HTTPS\n        protocol_port: 80\n        default_tls_container_ref: cert',
  ).replace('value: /api', 'value: /v2');
  const plan = planChanges(fileTrees(file), serviceTrees(WEB), { prune: false });
  assert.deepEqual(summary(plan), [
    'delete l7rule web/HTTP:80/1/PATH STARTS_WITH /api',
    'delete l7policy web/HTTP:80/1',
    'delete listener web/HTTP:80',
    'create listener web/TERMINATED_HTTPS:80 name,protocol,protocol_port,default_tls_container_ref,connection_limit,default_pool_id',
    'create l7policy web/TERMINATED_HTTPS:80/1 action,redirect_pool_id',
    'create l7rule web/TERMINATED_HTTPS:80/1/PATH STARTS_WITH /v2 type,compare_type,value',
  ]);

  const ruleOnly = planChanges(fileTrees(WEB.replace('value: /api', 'value: /v2')), serviceTrees(WEB), {
    prune: false,
  });
  assert.deepEqual(summary(ruleOnly), [
    'create l7rule web/HTTP:80/1/PATH STARTS_WITH /v2 type,compare_type,value',
    'delete l7rule web/HTTP:80/1/PATH STARTS_WITH /api',
  ]);
});

test('L7 policies are paired by position: a policy added in front updates the one there and adds one at the end', () => {
  const file = WEB.replace(
    '        l7policies:\n',
    '        l7policies:\n          - action: REJECT\n            rules:\n              - { type: PATH, compare_type: EQUAL_TO, value: /admin }\n',
  );
  const plan = planChanges(fileTrees(file), serviceTrees(WEB), { prune: false });
  assert.deepEqual(summary(plan), [
    'update l7policy web/HTTP:80/1 action,redirect_pool_id',
    'create l7rule web/HTTP:80/1/PATH EQUAL_TO /admin type,compare_type,value',
    'delete l7rule web/HTTP:80/1/PATH STARTS_WITH /api',
    'create l7policy web/HTTP:80/2 action,redirect_pool_id',
    'create l7rule web/HTTP:80/2/PATH STARTS_WITH /api type,compare_type,value',
  ]);
  assert.deepEqual(
    plan.changes[0]!.fields.map((f) => [f.field, f.from, f.to]),
    [
      ['action', 'REDIRECT_TO_POOL', 'REJECT'],
      ['redirect_pool_id', 'api', null],
    ],
  );
});

test('load balancers the file does not name are deleted only when pruning, in one cascading delete', () => {
  const service = [...serviceTrees(WEB), ...serviceTrees(WEB.replace('name: web', 'name: old'))];
  assert.deepEqual(planChanges(fileTrees(WEB), service, { prune: false }).changes, []);
  const pruned = planChanges(fileTrees(WEB), service, { prune: true });
  assert.deepEqual(summary(pruned), ['delete loadbalancer old']);
  assert.equal(pruned.bindings.get(pruned.changes[0]!.node), 'old#id');
  assert.match(planText(pruned), /^- load balancer old \(with everything in it\)$/m);
});

test('what no change can do is refused, naming the object in the file', () => {
  const moved = WEB.replace('vip_subnet_id:', 'vip_address: 127.0.100.9\n    vip_subnet_id:');
  assert.throws(
    () =>
      planChanges(fileTrees(moved), serviceTrees(WEB, { 'loadbalancer web': { vip_address: '127.0.100.7' } }), {
        prune: false,
      }),
    (error: unknown) => {
      assert.ok(error instanceof PlanRefused);
      assert.deepEqual(error.problems[0]!.path, ['loadbalancers', 0]);
      assert.equal(
        error.problems[0]!.reason,
        'load balancer web cannot change vip_address 127.0.100.7 -> 127.0.100.9: that is set when it is created; delete it first (weir loadbalancer delete --cascade web) or give it another name',
      );
      return true;
    },
  );
  const twice = [...serviceTrees(WEB)];
  twice[0]!.children.push(twice[0]!.children[0]!);
  assert.throws(
    () => planChanges(fileTrees(WEB), twice, { prune: false }),
    /2 pools are named "app" on the service \(web\/app#id, web\/app#id\): rename or delete all but one/,
  );
});
