import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { fieldsOf } from '../../../protocols/http/forwarding-headers.ts';
import { requestCookie, setCookieValue, withoutRequestCookie } from './cookie-fields.ts';
import { insertedCookieFields } from './inserted-cookie-fields.ts';
import { MemberCookies } from './member-cookie.ts';
import { sourceKeyer } from './source-key.ts';

describe('MemberCookies', () => {
  const key = randomBytes(32);

  it('names each member of the pool with a value only the key makes', () => {
    const cookies = new MemberCookies(key, 'pool-1');
    cookies.retain(['m1', 'm2']);
    const value = cookies.valueFor('m1');
    assert.match(value, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(cookies.memberOf(value), 'm1');
    assert.notEqual(cookies.valueFor('m2'), value);
    // Another worker, or weir after a restart, with the same key reads it the same way.
    const again = new MemberCookies(key, 'pool-1');
    again.retain(['m1', 'm2']);
    assert.equal(again.memberOf(value), 'm1');
  });

  it('reads forged and tampered values as no member', () => {
    const cookies = new MemberCookies(key, 'pool-1');
    cookies.retain(['m1']);
    const value = cookies.valueFor('m1');
    const tampered = `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(cookies.memberOf(tampered), undefined);
    assert.equal(cookies.memberOf('m1'), undefined);
    assert.equal(new MemberCookies(randomBytes(32), 'pool-1').memberOf(value), undefined);
    // The same member in another pool gets another value.
    assert.equal(new MemberCookies(key, 'pool-2').valueFor('m1') === value, false);
  });

  it('forgets the values of members removed', () => {
    const cookies = new MemberCookies(key, 'pool-1');
    cookies.retain(['m1', 'm2']);
    const gone = cookies.valueFor('m2');
    cookies.retain(['m1']);
    assert.equal(cookies.memberOf(gone), undefined);
  });
});

describe('cookie fields', () => {
  it('finds a cookie among others, exactly by name', () => {
    assert.equal(requestCookie('a=1; JSESSIONID=abc; b=2', 'JSESSIONID'), 'abc');
    assert.equal(requestCookie('XJSESSIONID=no; JSESSIONID="q"', 'JSESSIONID'), 'q');
    assert.equal(requestCookie('JSESSIONIDX=no', 'JSESSIONID'), undefined);
    assert.equal(requestCookie(undefined, 'SRV'), undefined);
    assert.equal(requestCookie(';;SRV=v;', 'SRV'), 'v');
  });

  it("reads the value a member's Set-Cookie gives", () => {
    assert.equal(setCookieValue('JSESSIONID=abc; Path=/; HttpOnly', 'JSESSIONID'), 'abc');
    assert.equal(setCookieValue('JSESSIONID=abc', 'JSESSIONID'), 'abc');
    assert.equal(setCookieValue('other=abc; Path=/', 'JSESSIONID'), undefined);
  });
});

describe('sourceKeyer', () => {
  it('keys a client by its address, an IPv4-mapped one as IPv4', () => {
    const key = sourceKeyer(null);
    assert.equal(key('192.0.2.7'), '192.0.2.7');
    assert.equal(key('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(sourceKeyer('255.255.255.255')('192.0.2.7'), '192.0.2.7');
  });

  it('keys by network with a granularity', () => {
    const key = sourceKeyer('255.255.255.0');
    assert.equal(key('192.0.2.7'), '192.0.2.0');
    assert.equal(key('::ffff:192.0.2.200'), '192.0.2.0');
    assert.equal(key('2001:db8::1'), '2001:db8::1');
    const v6 = sourceKeyer('ffff:ffff:ffff:ffff::');
    assert.equal(v6('2001:db8:1:2:3::4'), '2001:db8:1:2:0:0:0:0');
    assert.equal(v6('192.0.2.7'), '192.0.2.7');
  });
});

describe('withoutRequestCookie', () => {
  it('takes every cookie of the name out, whatever its value, and keeps the others in order', () => {
    assert.equal(withoutRequestCookie('a=1; SRV=x; b=2', 'SRV'), 'a=1; b=2');
    assert.equal(withoutRequestCookie('SRV=x;SRV=;c="q; r"', 'SRV'), 'c="q; r"');
    assert.equal(withoutRequestCookie('SRV=x', 'SRV'), '');
    assert.equal(withoutRequestCookie(' SRV=x ;  a=1 ', 'SRV'), 'a=1');
  });

  it('leaves a field without it alone: null, so the field goes as it came', () => {
    assert.equal(withoutRequestCookie('a=1; SRVX=2; xSRV=3', 'SRV'), null);
    assert.equal(withoutRequestCookie('SRV', 'SRV'), null);
  });
});

describe('insertedCookieFields (nocache, as HAProxy 2.6 decides it)', () => {
  const fields = (method: string, status: number, ...response: string[]) =>
    insertedCookieFields('SRV=v; path=/', method, status, fieldsOf(response));
  const privately = ['set-cookie', 'SRV=v; path=/', 'cache-control', 'private'];
  const plainly = ['set-cookie', 'SRV=v; path=/'];

  it('marks answers to safe methods private, others only when they say public, as HAProxy 2.6.12 did', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'TRACE']) {
      assert.deepEqual(fields(method, 200, 'Cache-Control', 'max-age=60'), privately);
    }
    assert.deepEqual(fields('POST', 200, 'Cache-Control', 'max-age=60'), plainly);
    assert.deepEqual(fields('POST', 201, 'Cache-Control', 'public, max-age=60'), privately);
    assert.deepEqual(fields('GET', 101), plainly);
  });

  it('takes as cacheable only a status cacheable by default, and an answer with freshness or a validator', () => {
    // Each as a real HAProxy 2.6.12 answered with `cookie SRV insert indirect nocache`.
    assert.deepEqual(fields('GET', 200), plainly);
    assert.deepEqual(fields('GET', 200, 'Cache-Control', 'public'), plainly);
    assert.deepEqual(fields('GET', 302, 'Cache-Control', 'max-age=600'), plainly);
    assert.deepEqual(fields('GET', 302, 'Cache-Control', 'public, max-age=60'), privately);
    assert.deepEqual(fields('GET', 404, 'Cache-Control', 'max-age=600'), privately);
    assert.deepEqual(fields('GET', 201, 'Cache-Control', 'max-age=600'), plainly);
    assert.deepEqual(fields('GET', 200, 'Expires', 'Thu, 01 Dec 2030 16:00:00 GMT'), privately);
    assert.deepEqual(fields('GET', 200, 'ETag', '"a"'), privately);
    assert.deepEqual(fields('GET', 200, 'Last-Modified', 'Thu, 01 Dec 2020 16:00:00 GMT'), privately);
    assert.deepEqual(fields('GET', 200, 'Cache-Control', 'max-age=0, s-maxage=600'), plainly);
    assert.deepEqual(fields('POST', 200, 'Cache-Control', 'public'), plainly);
  });

  it('leaves alone answers that tell caches off already, reading Cache-Control elements in order', () => {
    assert.deepEqual(fields('GET', 200, 'cache-control', 'max-age=60'), privately);
    for (const directive of ['private', 'No-Cache', 'no-store', 'max-age=0', 's-maxage=0']) {
      assert.deepEqual(fields('GET', 200, 'Cache-Control', `max-age=60, ${directive}`), plainly, directive);
    }
    const fresh = ['ETag', '"a"'];
    assert.deepEqual(fields('GET', 200, 'Cache-Control', 'no-cache', 'Cache-Control', 'public', ...fresh), privately);
    assert.deepEqual(fields('GET', 200, 'Cache-Control', 'no-cache="set-cookie"', ...fresh), privately);
    assert.deepEqual(fields('GET', 200, 'Pragma', 'no-cache', ...fresh), plainly);
    // HAProxy reads the first Pragma field alone.
    assert.deepEqual(fields('GET', 200, 'Pragma', 'x', 'Pragma', 'no-cache', ...fresh), privately);
  });
});
