import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Identity } from '../request-context.ts';
import { overrideProblems, Policy, PolicyOverrideError } from './policy.ts';

interface Decision {
  action: string;
  caller: string;
  roles: string[];
  project_id: string | null;
  system_scope: string | null;
  is_admin: boolean;
  scope: 'own' | 'foreign';
  allowed: boolean;
}

// Evaluated with oslo.policy over Octavia 11's own registered defaults (see test/fixtures/octavia-11/RBAC-README.md).
const fixture = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/octavia-11/policy-decisions.json', import.meta.url), 'utf8'),
) as { own_project: string; foreign_project: string; decisions: Decision[] };

function identityOf(decision: Decision, policy: Policy): Identity {
  const caller = {
    projectId: decision.project_id,
    userId: 'u',
    userName: 'u',
    roles: decision.roles,
    systemScope: decision.system_scope,
  };
  return { ...caller, isAdmin: policy.isAdmin(caller) };
}

test("every action, caller and project decides as Octavia 11's default policy does", () => {
  const policy = Policy.withOverrides();
  const wrong: string[] = [];
  for (const decision of fixture.decisions) {
    const identity = identityOf(decision, policy);
    if (identity.isAdmin !== decision.is_admin) wrong.push(`${decision.caller}: is_admin ${identity.isAdmin}`);
    const target = decision.scope === 'own' ? fixture.own_project : fixture.foreign_project;
    const allowed = policy.allows(decision.action, identity, target);
    if (allowed !== decision.allowed) wrong.push(`${decision.caller} ${decision.action} ${decision.scope}: ${allowed}`);
  }
  assert.ok(fixture.decisions.length > 1500);
  assert.deepEqual(wrong, []);
});

test('an action the policy does not define is refused, even to an administrator', () => {
  const policy = Policy.withOverrides();
  const admin: Identity = {
    projectId: fixture.own_project,
    userId: null,
    userName: null,
    roles: ['admin'],
    systemScope: null,
    isAdmin: true,
  };
  assert.equal(policy.allows('loadbalancer:get_one', admin, fixture.own_project), true);
  assert.equal(policy.allows('loadbalancer:teleport', admin, fixture.own_project), false);
});

test("an operator's overrides replace Octavia's rules and may add rules of their own", () => {
  const policy = Policy.withOverrides({
    'lb-operators': 'role:lb-operator',
    'os_load-balancer_api:loadbalancer:put_failover': 'rule:load-balancer:admin or rule:lb-operators',
    'os_load-balancer_api:loadbalancer:get_all': '!',
  });
  const operator: Identity = {
    projectId: fixture.own_project,
    userId: null,
    userName: null,
    roles: ['lb-operator'],
    systemScope: null,
    isAdmin: false,
  };
  assert.equal(policy.allows('loadbalancer:put_failover', operator, fixture.foreign_project), true);
  assert.equal(policy.allows('loadbalancer:put_failover', { ...operator, roles: ['member'] }, null), false);
  assert.equal(policy.allows('loadbalancer:get_all', { ...operator, isAdmin: true }, fixture.own_project), false);
});

test('overrides that do not parse or name unknown rules are reported, each with its rule', () => {
  assert.deepEqual(
    overrideProblems({
      'os_load-balancer_api:pool:post': 'role:a and (role:b',
      'os_load-balancer_api:pool:put': 'rule:no-such-rule or role:x',
      'os_load-balancer_api:pool:delete': 'http://policy.example.org',
    }),
    [
      { rule: 'os_load-balancer_api:pool:post', reason: '"role:a and (role:b": a "(" is not closed' },
      { rule: 'os_load-balancer_api:pool:put', reason: 'refers to rule "no-such-rule", which does not exist' },
      {
        rule: 'os_load-balancer_api:pool:delete',
        reason: '"http://policy.example.org": remote http checks are not supported',
      },
    ],
  );
  assert.throws(() => Policy.withOverrides({ x: 'and' }), PolicyOverrideError);
});
