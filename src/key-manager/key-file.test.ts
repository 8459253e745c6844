import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inTempDir } from '../../test/support/temp-dir.ts';
import { KeyFileError, loadKeyFile } from './key-file.ts';

test('the default key file is created 0600 on first start and read back the same', () =>
  inTempDir('weir-key-', async (dir) => {
    const path = join(dir, 'data', 'key-manager.key');
    const key = loadKeyFile(path, { create: true });
    assert.equal(key.length, 32);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, 'utf8'), `${key.toString('base64')}\n`);
    assert.deepEqual(loadKeyFile(path, { create: true }), key);
  }));

test('a named key file must exist', () =>
  inTempDir('weir-key-', async (dir) => {
    assert.throws(() => loadKeyFile(join(dir, 'missing.key'), { create: false }), /no such file/);
  }));

test('a key file others may read, or not holding 32 bytes of base64, is refused with the reason', () =>
  inTempDir('weir-key-', async (dir) => {
    const path = join(dir, 'k');
    writeFileSync(path, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    chmodSync(path, 0o644);
    assert.throws(
      () => loadKeyFile(path, { create: false }),
      (e: Error) => e instanceof KeyFileError && /chmod 600/.test(e.message),
    );
    chmodSync(path, 0o600);
    assert.equal(loadKeyFile(path, { create: false }).length, 32);
    writeFileSync(path, 'short\n');
    assert.throws(() => loadKeyFile(path, { create: false }), /32 random bytes in base64/);
  }));
