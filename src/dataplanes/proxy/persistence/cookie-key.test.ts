import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { inTempDir } from '../../../../test/support/temp-dir.ts';
import { cookieKeyFrom } from './cookie-key.ts';

it('makes the cookie key once, readable by weir alone, and reads it back on the next start', () =>
  inTempDir('weir-cookie-key-', async (dir) => {
    const path = join(dir, 'cookie.key');
    const key = cookieKeyFrom(path);
    assert.equal(key.length, 32);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(cookieKeyFrom(path), key);
    writeFileSync(path, 'short');
    assert.throws(() => cookieKeyFrom(path), /a cookie key has at least 32 bytes/);
  }));
