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

  test('a stored redirect with a control character or a space builds no router, whatever the request', () => {
    for (const extra of [
      { redirectUrl: 'http://a.example/x\r\nSet-Cookie: e=1' },
      { redirectPrefix: 'http://a.example\n' },
      { redirectUrl: 'http://a.example/ x' },
      { redirectPrefix: 'http://a.example/\u0085' },
    ]) {
      const action = 'redirectUrl' in extra ? 'REDIRECT_TO_URL' : 'REDIRECT_PREFIX';
      assert.throws(
        () => L7Router.compile([policy(action, 7, [pathRule('/')], extra)], pools, 'default'),
        /^Error: l7policy policy-7: the redirect to ".*" holds a control character or a space$/,
      );
    }
    assert.throws(() => L7Answer.redirect('http://a.example/\r\nX: 1', null), /control character/);
    // The path a prefix is followed by is the request's, which its parser checked: bytes of UTF-8 pass.
    const router = L7Router.compile(
      [policy('REDIRECT_PREFIX', 1, [pathRule('/')], { redirectPrefix: 'https://a.example' })],
      pools,
      'default',
    );
    const answer = router.route(request('/\xc4\x85'));
    assert.ok(answer instanceof L7Answer);
    assert.equal(answer.location, 'https://a.example/\xc4\x85');
  });

  test('answers as HTTP/1.1 bytes', () => {
    assert.equal(
      L7Answer.redirect('https://a.example/', 308).wire(false),
      'HTTP/1.1 308 Permanent Redirect\r\ncontent-length: 0\r\nlocation: https://a.example/\r\n\r\n',
    );
    assert.match(L7Answer.reject().wire(true), /^HTTP\/1\.1 403 Forbidden\r\n.*connection: close\r\n\r\nForbidden/s);
  });
});
