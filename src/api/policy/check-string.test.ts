import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Check, CheckStringError, evaluate, parseCheckString } from './check-string.ts';

const rules = new Map<string, Check>([['owner', parseCheckString('project_id:%(project_id)s')]]);
const allows = (text: string, credentials: Record<string, unknown>, target: Record<string, string | null> = {}) =>
  evaluate(parseCheckString(text), { roles: [], ...credentials } as never, target, (name) => rules.get(name));

test('not binds tighter than and, and tighter than or, as in oslo.policy', () => {
  assert.equal(allows('role:a or role:b and role:c', { roles: ['a'] }), true);
  assert.equal(allows('(role:a or role:b) and role:c', { roles: ['a'] }), false);
  assert.equal(allows('not role:a and role:b', { roles: ['b'] }), true);
  assert.equal(allows('not (role:a or role:b)', { roles: ['b'] }), false);
  assert.equal(allows('role:A AND NOT role:b', { roles: ['a'] }), true);
});

test('empty, @ and ! are allow-all, allow-all and deny-all', () => {
  assert.equal(allows('', {}), true);
  assert.equal(allows('@', {}), true);
  assert.equal(allows('!', { roles: ['admin'] }), false);
});

test('generic checks compare credentials with the target, and literals with Python spelling', () => {
  assert.equal(allows('rule:owner', { project_id: 'p1' }, { project_id: 'p1' }), true);
  assert.equal(allows('rule:owner', { project_id: 'p1' }, { project_id: 'p2' }), false);
  assert.equal(allows('rule:owner', { project_id: null }, { project_id: null }), false);
  assert.equal(allows('is_admin:True', { is_admin: true }), true);
  assert.equal(allows('is_admin:True', { is_admin: false }), false);
  assert.equal(allows('system_scope:all', { system_scope: 'all' }), true);
  assert.equal(allows("'member':%(kind)s", {}, { kind: 'member' }), true);
  assert.equal(allows('rule:missing or role:x', { roles: ['x'] }), true);
  assert.equal(allows('rule:missing', { roles: ['x'] }), false);
});

test('a cycle between rules ends in a refusal, not a hang', () => {
  const cyclic = new Map<string, Check>([
    ['a', parseCheckString('rule:b')],
    ['b', parseCheckString('rule:a')],
  ]);
  assert.equal(
    evaluate(parseCheckString('rule:a'), { roles: [] }, {}, (n) => cyclic.get(n)),
    false,
  );
});

test('malformed check strings are refused with the reason', () => {
  for (const [text, reason] of [
    ['role:a and', /ends where a check was expected/],
    ['role:a or or role:b', /unexpected "or"/],
    ['(role:a', /is not closed/],
    ['role:a)', /unexpected "\)"/],
    ['admin', /is not a check/],
    ['role:', /is not a check/],
  ] as const) {
    assert.throws(
      () => parseCheckString(text),
      (e: Error) => e instanceof CheckStringError && reason.test(e.message),
    );
  }
});
