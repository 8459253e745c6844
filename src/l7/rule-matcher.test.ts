import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { L7CompareType, L7RuleType } from '../model/constants.ts';
import type { ClientCertificateFacts } from '../protocols/tls/client-certificate-facts.ts';
import { NO_CLIENT_CERTIFICATE } from '../protocols/tls/peer-certificate-facts.ts';
import { MAX_REGEX_COST, regexCost } from './regex-cost.ts';
import type { RequestFacts } from './request-facts.ts';
import { MAX_REGEX_SAMPLE, ruleMatcher } from './rule-matcher.ts';

function facts(
  target: string,
  fields: [string, string][] = [],
  certificate: ClientCertificateFacts | null = null,
): RequestFacts {
  return {
    target,
    anyField: (name, test) => fields.some(([n, v]) => n === name && test(v)),
    clientCertificate: () => certificate,
  };
}

const rule = (type: L7RuleType, compareType: L7CompareType, value: string, key: string | null = null) => ({
  id: 'r',
  type,
  compareType,
  key,
  value,
  invert: false,
});

/** Asserts the rule matches exactly the `yes` requests, and its inverted form exactly the `no` ones. */
function check(spec: ReturnType<typeof rule>, yes: RequestFacts[], no: RequestFacts[]): void {
  const plain = ruleMatcher(spec);
  const inverted = ruleMatcher({ ...spec, invert: true });
  for (const f of yes) {
    assert.equal(plain(f), true, `${spec.type} ${spec.compareType} ${spec.value} on ${f.target}`);
    assert.equal(inverted(f), false, `inverted ${spec.type} ${spec.compareType} ${spec.value} on ${f.target}`);
  }
  for (const f of no) {
    assert.equal(plain(f), false, `${spec.type} ${spec.compareType} ${spec.value} on ${f.target}`);
    assert.equal(inverted(f), true, `inverted ${spec.type} ${spec.compareType} ${spec.value} on ${f.target}`);
  }
}

const host = (value: string) => facts('/', [['host', value]]);
const header = (value: string) => facts('/', [['x-tier', value]]);
const cookie = (value: string) => facts('/', [['cookie', value]]);
const certificate = (presented: boolean, verifyResult: number, fields: Record<string, string>) =>
  facts('/', [], {
    ...NO_CLIENT_CERTIFICATE,
    presented,
    verifyResult,
    subjectFields: new Map(Object.entries(fields)),
  });

describe('L7 rule matching, as the amphora matches', () => {
  test('HOST_NAME: the Host value without regard to case, its port included', () => {
    check(
      rule('HOST_NAME', 'EQUAL_TO', 'www.example.com'),
      [host('www.example.com'), host('WWW.Example.COM')],
      [host('www.example.com:8080'), host('example.com'), facts('/')],
    );
    check(rule('HOST_NAME', 'STARTS_WITH', 'API.'), [host('api.example.com')], [host('www.api.example.com')]);
    check(rule('HOST_NAME', 'ENDS_WITH', '.example.com'), [host('a.EXAMPLE.com')], [host('example.com.evil')]);
    check(rule('HOST_NAME', 'CONTAINS', 'example'), [host('www.example.org')], [host('www.exemple.org')]);
    check(
      rule('HOST_NAME', 'REGEX', '^Api[0-9]+\\.example\\.com$'),
      [host('api1.example.com'), host('API22.EXAMPLE.COM')],
      [host('api.example.com'), host('xapi1.example.com')],
    );
    // An escape keeps its meaning though the pattern is lowered: \D is a non-digit, not a digit.
    check(rule('HOST_NAME', 'REGEX', '^\\D+$'), [host('abc')], [host('a1c')]);
    // Case is ignored for the pattern as written: a range across the letters stays in order,
    // two group names differing in case stay two, and an escape naming an upper-case letter matches either case.
    check(rule('HOST_NAME', 'REGEX', '^[Z-a]$'), [host('z'), host('A'), host('_')], [host('b'), host('Y')]);
    check(rule('HOST_NAME', 'REGEX', '^(?<A>x)|(?<a>y)$'), [host('X'), host('y')], [host('z')]);
    check(rule('HOST_NAME', 'REGEX', '^\\x4A$'), [host('J'), host('j')], [host('k')]);
  });

  test('PATH: the path without the query, absolute-form targets included', () => {
    check(
      rule('PATH', 'EQUAL_TO', '/api'),
      [facts('/api'), facts('/api?x=1'), facts('http://h.example/api?x')],
      [facts('/api/'), facts('/API'), facts('*')],
    );
    check(rule('PATH', 'STARTS_WITH', '/api/'), [facts('/api/v1')], [facts('/x/api/'), facts('/?/api/')]);
    check(rule('PATH', 'ENDS_WITH', '.php'), [facts('/a/b.php?c=.jpg')], [facts('/a.php/b')]);
    check(rule('PATH', 'CONTAINS', 'admin'), [facts('/x/admin/y')], [facts('/x?admin')]);
    check(rule('PATH', 'REGEX', '^/v[0-9]+/'), [facts('/v2/x')], [facts('/v/x'), facts('/a/v2/')]);
  });

  test('FILE_TYPE: EQUAL_TO is the end of the path, REGEX searches it', () => {
    check(
      rule('FILE_TYPE', 'EQUAL_TO', 'jpg'),
      [facts('/img/a.jpg'), facts('/a.jpg?size=2'), facts('/notajpg')],
      [facts('/a.png'), facts('/a.jpg/'), facts('/a?f=.jpg')],
    );
    check(rule('FILE_TYPE', 'REGEX', '\\.(png|gif)$'), [facts('/a/b.gif')], [facts('/a.gif.txt')]);
  });

  test('HEADER: every field of the name and each comma-separated element, with case', () => {
    check(
      rule('HEADER', 'EQUAL_TO', 'gold', 'X-Tier'),
      [
        header('gold'),
        header('silver, gold'),
        facts('/', [
          ['x-tier', 'x'],
          ['x-tier', ' gold '],
        ]),
      ],
      [header('Gold'), header('golden'), facts('/')],
    );
    check(rule('HEADER', 'STARTS_WITH', 'go', 'x-tier'), [header('gold')], [header('ago')]);
    check(rule('HEADER', 'ENDS_WITH', 'ld', 'x-tier'), [header('gold')], [header('golden')]);
    check(rule('HEADER', 'CONTAINS', 'ol', 'x-tier'), [header('gold')], [header('silver')]);
    check(rule('HEADER', 'REGEX', '^g.l', 'x-tier'), [header('gold')], [header('agold')]);
  });

  test('COOKIE: each cookie of the name, by exact name', () => {
    check(
      rule('COOKIE', 'EQUAL_TO', 'beta', 'group'),
      [cookie('group=beta'), cookie('a=1; group=beta; b=2'), cookie('group=alpha; group=beta')],
      [cookie('Group=beta'), cookie('mygroup=beta'), cookie('group=betamax'), facts('/')],
    );
    check(rule('COOKIE', 'STARTS_WITH', 'be', 'group'), [cookie('group=beta')], [cookie('group=abeta')]);
    check(rule('COOKIE', 'ENDS_WITH', 'ta', 'group'), [cookie('group=beta')], [cookie('group=betas')]);
    check(rule('COOKIE', 'CONTAINS', 'et', 'group'), [cookie('x=0; group=beta')], [cookie('et=1')]);
    check(rule('COOKIE', 'REGEX', '^b[a-z]+$', 'group'), [cookie('group=beta')], [cookie('group=b3ta')]);
  });

  test('SSL_CONN_HAS_CERT, SSL_VERIFY_RESULT and SSL_DN_FIELD read the client certificate', () => {
    const none = facts('/');
    const verified = certificate(true, 0, { CN: 'client-one', O: 'Acme' });
    const expired = certificate(true, 10, { CN: 'client-two' });
    const anonymous = certificate(false, 0, {});
    check(rule('SSL_CONN_HAS_CERT', 'EQUAL_TO', 'True'), [verified, expired], [anonymous, none]);
    check(rule('SSL_VERIFY_RESULT', 'EQUAL_TO', '0'), [verified, anonymous], [expired, none]);
    check(rule('SSL_VERIFY_RESULT', 'EQUAL_TO', '10'), [expired], [verified, none]);
    check(rule('SSL_DN_FIELD', 'EQUAL_TO', 'client-one', 'CN'), [verified], [expired, anonymous, none]);
    check(rule('SSL_DN_FIELD', 'STARTS_WITH', 'client-', 'CN'), [verified, expired], [none]);
    check(rule('SSL_DN_FIELD', 'ENDS_WITH', 'two', 'CN'), [expired], [verified]);
    check(rule('SSL_DN_FIELD', 'CONTAINS', 'cm', 'O'), [verified], [expired]);
    check(rule('SSL_DN_FIELD', 'REGEX', '^client-(one|three)$', 'CN'), [verified], [expired, none]);
  });

  test('a REGEX rule tests values up to 16 KiB; a longer one, which HAProxy never evaluates, does not match', () => {
    // The costliest pattern the API lets through, on a value of 64 KiB (an HTTP/2 head may be that long).
    const worst = 'a{16}a{15}x';
    assert.equal(regexCost(worst), MAX_REGEX_COST);
    const value = (length: number) => `${'a'.repeat(length - 1)}x`;
    assert.equal(MAX_REGEX_SAMPLE, 16_384);
    check(
      rule('HEADER', 'REGEX', worst, 'x-tier'),
      [header(value(MAX_REGEX_SAMPLE))],
      [header(value(MAX_REGEX_SAMPLE + 1)), header(value(65_536))],
    );
    check(rule('PATH', 'REGEX', worst), [facts(`/${value(MAX_REGEX_SAMPLE - 1)}`)], [facts(`/${value(65_535)}`)]);
  });
});
