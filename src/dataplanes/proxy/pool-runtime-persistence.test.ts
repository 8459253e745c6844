import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { member, spec } from '../../../test/support/kernel-spec.ts';
import type { MemberSpec, PoolSpec } from '../../model/load-balancer-spec.ts';
import type { StickSync } from './persistence/stick-sync.ts';
import { PoolRuntime } from './pool-runtime.ts';

const members = ['a', 'b', 'c'].map((id, i) => member(id, `10.0.0.${i + 1}`));

function poolOf(sessionPersistence: PoolSpec['sessionPersistence'], list: MemberSpec[] = members): PoolSpec {
  return spec(list, { protocol: 'HTTP', algorithm: 'ROUND_ROBIN', sessionPersistence }).pools[0]!;
}

const persistence = (type: 'SOURCE_IP' | 'HTTP_COOKIE' | 'APP_COOKIE', cookieName: string | null = null) => ({
  type,
  cookieName,
  timeoutSeconds: null,
  granularity: null,
});

/** A StickSync that records what a worker would send the control process. */
function recordingSync(): StickSync & { proposals: unknown[][] } {
  const proposals: unknown[][] = [];
  return {
    proposals,
    propose: (...args) => void proposals.push(args),
    touch: () => {},
    attach: () => {},
    detach: () => {},
  };
}

const none: ReadonlySet<string> = new Set();

/** The member of the `n`th of `n` requests without a cookie: round robin's `n`th member. */
function nthPick(pool: PoolRuntime, n: number): MemberSpec {
  let picked: MemberSpec | undefined;
  for (let i = 0; i < n; i++) picked = pool.pick({ remoteAddress: '192.0.2.1' }, none);
  return picked!;
}
const from = (remoteAddress: string) => ({ remoteAddress, remotePort: 40_000 });

describe('PoolRuntime with session persistence', () => {
  it('SOURCE_IP: a client keeps its member; removing another member moves no one else', () => {
    const sync = recordingSync();
    const pool = new PoolRuntime(poolOf(persistence('SOURCE_IP')), { cookieKey: randomBytes(32), sync });
    const first = ['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((c) => pool.pick(from(c), none)!.id);
    assert.deepEqual(first, ['a', 'b', 'c']);
    for (let i = 0; i < 5; i++) assert.equal(pool.pick(from('192.0.2.2'), none)?.id, 'b');
    assert.deepEqual(sync.proposals[0], [pool.spec.id, '192.0.2.1', 'a', null, 30 * 60_000]);

    pool.update(
      poolOf(
        persistence('SOURCE_IP'),
        members.filter((m) => m.id !== 'a'),
      ),
    );
    assert.equal(pool.pick(from('192.0.2.2'), none)?.id, 'b');
    assert.equal(pool.pick(from('192.0.2.3'), none)?.id, 'c');
    const moved = pool.pick(from('192.0.2.1'), none)!.id;
    assert.notEqual(moved, 'a');
    // The worker proposes the move as replacing `a`, so of two workers moving it at once the first wins.
    assert.deepEqual(sync.proposals.at(-1), [pool.spec.id, '192.0.2.1', moved, 'a', 30 * 60_000]);
    assert.equal(pool.pick(from('192.0.2.1'), none)?.id, moved);
  });

  it('falls over when the member fails a connection or its health check, and stays on the new member', () => {
    const pool = new PoolRuntime(poolOf(persistence('SOURCE_IP')), { cookieKey: randomBytes(32), sync: null });
    const a = pool.pick(from('192.0.2.1'), none)!;
    pool.failed(a);
    const next = pool.pick(from('192.0.2.1'), new Set([a.id]))!;
    assert.notEqual(next.id, a.id);
    pool.setHealth(a.id, true);
    assert.equal(pool.pick(from('192.0.2.1'), none)?.id, next.id);
    pool.setHealth(next.id, false);
    assert.notEqual(pool.pick(from('192.0.2.1'), none)?.id, next.id);
    pool.close();
  });

  it('HTTP_COOKIE: the cookie set in the answer brings the client back; a forged one is balanced and replaced', () => {
    const pool = new PoolRuntime(poolOf(persistence('HTTP_COOKIE')), { cookieKey: randomBytes(32), sync: null });
    const sticky = pool.stickiness!;
    const b = nthPick(pool, 2);
    const cookie = sticky.answered(b.id, undefined, [])!;
    assert.match(cookie, /^SRV=[\w-]{22}; path=\/$/);
    const sent = `x=1; ${cookie.split(';')[0]}`;
    for (let i = 0; i < 4; i++) assert.equal(pool.pick(from('192.0.2.9'), none, sent)?.id, b.id);
    assert.equal(sticky.answered(b.id, sent, []), null);
    assert.notEqual(sticky.answered('a', sent, []), null, 'another member answering sets its own cookie');
    const forged = pool.pick(from('192.0.2.9'), none, 'SRV=b')!;
    assert.match(sticky.answered(forged.id, 'SRV=b', []) ?? '', /^SRV=/);
  });

  it('APP_COOKIE: the value a member sets is learnt, and requests carrying it go to that member', () => {
    const sync = recordingSync();
    const pool = new PoolRuntime(poolOf(persistence('APP_COOKIE', 'JSESSIONID')), { cookieKey: randomBytes(32), sync });
    const sticky = pool.stickiness!;
    const c = nthPick(pool, 3);
    assert.equal(sticky.answered(c.id, undefined, ['theme=dark', 'JSESSIONID=s1; Path=/']), null);
    assert.deepEqual(sync.proposals.at(-1), [pool.spec.id, 's1', c.id, undefined, 30 * 60_000]);
    for (let i = 0; i < 4; i++) assert.equal(pool.pick(from('192.0.2.7'), none, `JSESSIONID=s1`)?.id, c.id);
    // Values no member set are balanced, and not remembered.
    assert.equal(new Set([0, 1, 2].map(() => pool.pick(from('192.0.2.7'), none, 'JSESSIONID=s2')?.id)).size, 3);
    // A learnt value whose member fails goes with the request to the next member.
    pool.failed(c);
    const next = pool.pick(from('192.0.2.7'), new Set([c.id]), 'JSESSIONID=s1')!;
    assert.deepEqual(sync.proposals.at(-1), [pool.spec.id, 's1', next.id, c.id, 30 * 60_000]);
    assert.equal(pool.pick(from('192.0.2.7'), none, 'JSESSIONID=s1')?.id, next.id);
  });

  it('a pool without persistence has no stickiness, and one that gets it later has', () => {
    const pool = new PoolRuntime(poolOf(null), { cookieKey: randomBytes(32), sync: null });
    assert.equal(pool.stickiness, null);
    pool.update(poolOf(persistence('SOURCE_IP')));
    assert.notEqual(pool.stickiness, null);
  });
});
