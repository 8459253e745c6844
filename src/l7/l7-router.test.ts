import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { L7Action } from '../model/constants.ts';
import type { L7PolicySpec, L7RuleSpec } from '../model/load-balancer-spec.ts';
import { L7Answer } from './l7-answer.ts';
import { L7Router } from './l7-router.ts';
import type { RequestFacts } from './request-facts.ts';

const pathRule = (value: string, invert = false): L7RuleSpec => ({
  id: `rule-${value}`,
  type: 'PATH',
  compareType: 'STARTS_WITH',
  key: null,
  value,
  invert,
});

function policy(action: L7Action, position: number, rules: L7RuleSpec[], extra: Partial<L7PolicySpec> = {}) {
  return {
    id: `policy-${position}`,
    action,
    position,
    redirectPoolId: null,
    redirectUrl: null,
    redirectPrefix: null,
    redirectHttpCode: null,
    rules,
    ...extra,
  } satisfies L7PolicySpec;
}

const request = (target: string): RequestFacts => ({
  target,
  anyField: () => false,
  clientCertificate: () => null,
});

const pools = (id: string): string | null => (id === 'down' ? null : `pool ${id}`);

describe('L7Router', () => {
  test('first matching policy by position; no match goes to the fallback', () => {
    const router = L7Router.compile(
      [
        policy('REDIRECT_TO_POOL', 1, [pathRule('/a')], { redirectPoolId: 'one' }),
        policy('REDIRECT_TO_POOL', 2, [pathRule('/')], { redirectPoolId: 'two' }),
      ],
      pools,
      'default',
    );
    assert.equal(router.route(request('/a/x')), 'pool one');
    assert.equal(router.route(request('/b')), 'pool two');
    assert.equal(router.route(request('*')), 'default');
  });

  test('rules of a policy are ANDed', () => {
    const router = L7Router.compile(
      [policy('REDIRECT_TO_POOL', 1, [pathRule('/api'), pathRule('/api/internal', true)], { redirectPoolId: 'p' })],
      pools,
      'default',
    );
    assert.equal(router.route(request('/api/v1')), 'pool p');
    assert.equal(router.route(request('/api/internal/x')), 'default');
  });

  test('REJECT, then URL and prefix redirects, then pools, whatever their positions (the amphora)', () => {
    const router = L7Router.compile(
      [
        policy('REDIRECT_TO_POOL', 1, [pathRule('/')], { redirectPoolId: 'p' }),
        policy('REDIRECT_PREFIX', 2, [pathRule('/old')], { redirectPrefix: 'https://new.example' }),
        policy('REDIRECT_TO_URL', 3, [pathRule('/o')], { redirectUrl: 'https://o.example/', redirectHttpCode: 301 }),
        policy('REJECT', 4, [pathRule('/old/secret')]),
      ],
      pools,
      'default',
    );
    const rejected = router.route(request('/old/secret'));
    assert.ok(rejected instanceof L7Answer);
    assert.equal(rejected.status, 403);
    assert.equal(rejected.closes, true);
    const prefixed = router.route(request('/old/page?q=1'));
    assert.ok(prefixed instanceof L7Answer);
    assert.deepEqual(
      [prefixed.status, prefixed.location, prefixed.closes],
      [302, 'https://new.example/old/page?q=1', false],
    );
    const moved = router.route(request('/other'));
    assert.ok(moved instanceof L7Answer);
    assert.deepEqual([moved.status, moved.location], [301, 'https://o.example/']);
    assert.equal(router.route(request('/x')), 'pool p');
  });

  test('policies without rules or whose pool carries nothing are left out', () => {
    const router = L7Router.compile(
      [
        policy('REJECT', 1, []),
        policy('REDIRECT_TO_POOL', 2, [pathRule('/')], { redirectPoolId: 'down' }),
        policy('REDIRECT_TO_POOL', 3, [pathRule('/')], { redirectPoolId: 'up' }),
      ],
      pools,
      'default',
    );
    assert.equal(router.route(request('/')), 'pool up');
  });

  test('answers as HTTP/1.1 bytes', () => {
    assert.equal(
      L7Answer.redirect('https://a.example/', 308).wire(false),
      'HTTP/1.1 308 Permanent Redirect\r\ncontent-length: 0\r\nlocation: https://a.example/\r\n\r\n',
    );
    assert.match(L7Answer.reject().wire(true), /^HTTP\/1\.1 403 Forbidden\r\n.*connection: close\r\n\r\nForbidden/s);
  });
});
