import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataDirLock } from './data-dir-lock.ts';
import { StartupError } from './startup-error.ts';

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'weir-lock-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a second weir on the same data directory is refused until the first releases it', () =>
  withDir((dir) => {
    const first = DataDirLock.acquire(dir);
    assert.throws(
      () => DataDirLock.acquire(dir),
      (error: Error) => error instanceof StartupError && error.message.includes(`pid ${process.pid}`),
    );
    first.release();
    DataDirLock.acquire(dir).release();
  }));

test('a lock left by a process that is gone is taken over', () =>
  withDir((dir) => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, 'weir.lock'), `${gone} 1\n`);
    const lock = DataDirLock.acquire(dir);
    assert.match(readFileSync(join(dir, 'weir.lock'), 'utf8'), new RegExp(`^${process.pid} \\d+\\n$`));
    lock.release();
  }));

test('a live process that reused the holder pid but started later does not hold the lock', () =>
  withDir((dir) => {
    writeFileSync(join(dir, 'weir.lock'), `${process.pid} 0\n`);
    DataDirLock.acquire(dir).release();
  }));

test('a lock file that names no pid is replaced', () =>
  withDir((dir) => {
    writeFileSync(join(dir, 'weir.lock'), 'garbage');
    DataDirLock.acquire(dir).release();
  }));
