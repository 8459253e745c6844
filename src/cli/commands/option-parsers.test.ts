import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { additionalVip, decimal, integer, keyValues, sessionPersistence } from './option-parsers.ts';

test('numbers: integers (negative too, as --connection-limit -1) and decimals; anything else is refused', () => {
  assert.equal(integer('80'), 80);
  assert.equal(integer('-1'), -1);
  assert.equal(decimal('1.1'), 1.1);
  assert.throws(() => integer('8o'), InvalidArgumentError);
  assert.throws(() => integer('1.5'), InvalidArgumentError);
  assert.throws(() => decimal('one'), InvalidArgumentError);
});

test('key=value lists become objects; a pair without = is refused', () => {
  assert.deepEqual(keyValues('X-Forwarded-For=true,X-Forwarded-Port=true'), {
    'X-Forwarded-For': 'true',
    'X-Forwarded-Port': 'true',
  });
  assert.throws(() => keyValues('X-Forwarded-For'), /"X-Forwarded-For" is not key=value/);
});

test('session persistence takes its timeout as a number; additional VIPs take the API field names', () => {
  assert.deepEqual(sessionPersistence('type=APP_COOKIE,cookie_name=sid,persistence_timeout=60'), {
    type: 'APP_COOKIE',
    cookie_name: 'sid',
    persistence_timeout: 60,
  });
  assert.deepEqual(additionalVip('subnet-id=local,ip-address=127.0.100.9'), {
    subnet_id: 'local',
    ip_address: '127.0.100.9',
  });
  assert.deepEqual(additionalVip('subnet-id=local'), { subnet_id: 'local' });
  assert.throws(() => additionalVip('ip-address=127.0.100.9'), /subnet-id=<name or id> is required/);
  assert.throws(() => additionalVip('subnet-id=a,port=1'), /unknown key port/);
});
