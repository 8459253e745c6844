import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RecordedServices } from '../../../test/support/recorded-services.ts';

/**
 * The plainest table of owners' services (OwnedServices): plain names, whose scripts (the names, joined) are recorded
 * instead of reaching the kernel.
 */
function recordingTable(scripts: string[], apply = async (script: string) => void scripts.push(script)) {
  return new RecordedServices<string>((services) => apply(services.join(' ')));
}

test('services are kept in the file; after a restart, owners not back yet keep theirs until startup is over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-owned-'));
  try {
    const file = join(dir, 'services.json');
    const scripts: string[] = [];
    const first = recordingTable(scripts);
    first.restoreFrom(file);
    await first.set('lb1', ['a']);
    await first.set('lb2', ['b']);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { lb1: ['a'], lb2: ['b'] });

    const second = recordingTable(scripts);
    second.restoreFrom(file);
    assert.deepEqual(second.restored('lb1'), ['a'], 'what the last run kept for an owner not back yet');
    await second.set('lb1', ['a']);
    assert.equal(second.restored('lb1'), undefined, 'once back, the owner has its own services');
    assert.deepEqual(second.restored('lb2'), ['b']);
    assert.equal(scripts.at(-1), 'a b', 'the first write after a restart holds the owners not back yet');
    await second.dropUnclaimed();
    assert.equal(scripts.at(-1), 'a');
    assert.equal(second.restored('lb2'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a write the kernel refuses is taken back, so the next one holds only what was accepted', async () => {
  const scripts: string[] = [];
  const table = recordingTable(scripts, async (script) => {
    if (script.includes('bad')) throw new Error('nft: refused');
    scripts.push(script);
  });
  await table.set('lb1', ['a']);
  await assert.rejects(table.set('lb2', ['bad']), /refused/);
  await table.set('lb3', ['c']);
  assert.deepEqual(scripts, ['a', 'a c']);
});

test("what the last run left for an owner stays known until the owner's first write succeeds", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-owned-'));
  try {
    const file = join(dir, 'services.json');
    const first = recordingTable([]);
    first.restoreFrom(file);
    await first.set('lb1', ['a', 'b']);
    let refuse = true;
    const second = recordingTable([], async () => {
      if (refuse) throw new Error('nft: refused');
    });
    second.restoreFrom(file);
    await assert.rejects(second.set('lb1', ['a']), /refused/);
    assert.deepEqual(second.restored('lb1'), ['a', 'b'], 'a retry can still see what went while weir was down');
    refuse = false;
    await second.set('lb1', ['a']);
    assert.equal(second.restored('lb1'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
