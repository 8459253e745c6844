import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LB_ALGORITHMS } from '../model/constants.ts';

const bench = fileURLToPath(new URL('../../bench/balancing-pick.bench.ts', import.meta.url));

test('no algorithm allocates on pick (1e6 picks in a young generation too large to be collected)', async (t) => {
  // A child process, because the measurement needs V8 flags this test runner does not have.
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--expose-gc',
    '--min-semi-space-size=512',
    '--max-semi-space-size=512',
    '--import',
    'tsx',
    bench,
  ]);
  for (const algorithm of LB_ALGORITHMS) {
    const line = stdout.split('\n').find((l) => l.startsWith(`${algorithm} `));
    assert.ok(line, `no figure for ${algorithm} in:\n${stdout}`);
    t.diagnostic(line);
    const [own, reference] = [...line.matchAll(/([\d.]+) B\/pick/g)].map((m) => Number(m[1]));
    assert.doesNotMatch(line, /invalid/);
    // The smallest heap object is 16 bytes: under 1 byte per pick, not even one pick in sixteen allocated.
    assert.ok(own! < 1, `${algorithm} allocates ${own} bytes per pick`);
    assert.ok(reference! > 16, 'the method no longer sees the reference’s allocation');
  }
});
