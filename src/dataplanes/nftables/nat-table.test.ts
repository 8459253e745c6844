import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { backendsOn, natService } from '../../../test/support/nat-service.ts';
import { NatTable } from './nat-table.ts';

const service = (name: string, port: number) =>
  natService(name, { protocol: 'udp', port, backends: backendsOn(port, '10.0.0.1') });

/**
 * A table whose writes are recorded instead of reaching the kernel. `kernel.generation` is what the kernel's table
 * holds: a delta naming another fails, as nft does when an element to delete is not there.
 */
function recordingTable(counters = new Map<string, { packets: number; bytes: number }>()) {
  const scripts: string[] = [];
  const kernel = { generation: -1, fail: null as RegExp | null };
  const table = new NatTable(
    async (script) => {
      const expected = /^delete element inet weir weir_generation \{ (\d+) \}/.exec(script)?.[1];
      if (kernel.fail?.test(script) || (expected && Number(expected) !== kernel.generation)) {
        throw new Error('nft: No such file or directory');
      }
      kernel.generation = expected ? kernel.generation + 1 : 0;
      scripts.push(script);
    },
    async () => counters,
  );
  return { table, scripts, kernel };
}

const whole = /^table inet weir \{\}\ndelete table inet weir\n/;

test('owners with nothing to forward never write a table', async () => {
  const { table, scripts } = recordingTable();
  await table.set('proxy:http-only', []);
  await table.dropUnclaimed();
  assert.deepEqual(scripts, []);
});

test('owners share the table: the first write replaces it whole, counters carried; later ones touch only their own services', async () => {
  const { table, scripts } = recordingTable(new Map([['svc_a_new', { packets: 7, bytes: 420 }]]));
  await table.set('nat:one', [service('svc_a', 53)]);
  assert.match(scripts[0]!, whole);
  assert.match(scripts[0]!, /add counter inet weir svc_a_new \{ packets 7 bytes 420 \}/);
  await table.set('proxy:two', [service('svc_b', 54)]);
  assert.doesNotMatch(scripts[1]!, whole);
  assert.match(scripts[1]!, /add chain inet weir svc_b\n/);
  assert.doesNotMatch(scripts[1]!, /svc_a/);
  await table.set('nat:one', []);
  assert.match(scripts[2]!, /delete chain inet weir svc_a\n/);
  assert.doesNotMatch(scripts[2]!, /svc_b/);
});

test("a table changed behind weir's back, or a change the kernel refuses, is written whole again", async () => {
  const { table, scripts, kernel } = recordingTable();
  await table.set('nat:one', [service('svc_a', 53)]);
  kernel.generation = -1;
  await table.set('nat:two', [service('svc_b', 54)]);
  assert.match(scripts[1]!, whole, 'the table was replaced by someone else');
  assert.match(scripts[1]!, /add chain inet weir svc_a\n/);
  kernel.fail = /^delete element inet weir weir_generation/;
  await table.set('nat:two', [service('svc_b', 55)]);
  assert.match(scripts[2]!, whole, 'the delta failed');
  assert.match(scripts[2]!, /udp \. 55 : goto svc_b/);
  kernel.fail = null;
  await table.set('nat:two', []);
  assert.doesNotMatch(scripts[3]!, whole, 'deltas again once the table is known');
});

test('after a restart, services of owners not yet back stay until startup is over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-nat-table-'));
  try {
    const file = join(dir, 'nat-services.json');
    const before = recordingTable();
    before.table.restoreFrom(file);
    await before.table.set('nat:kept', [service('svc_kept', 53)]);
    await before.table.set('nat:gone', [service('svc_gone', 54)]);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8')).services), ['nat:kept', 'nat:gone']);

    const after = recordingTable();
    after.table.restoreFrom(file);
    // Written although unchanged: after a reboot the kernel's table is empty, and the file is all there is.
    await after.table.set('nat:kept', [service('svc_kept', 53)]);
    assert.match(after.scripts[0]!, whole);
    assert.match(after.scripts[0]!, /add chain inet weir svc_gone\n/, 'not re-applied yet, still forwarded');
    await after.table.dropUnclaimed();
    assert.match(after.scripts[1]!, /delete chain inet weir svc_gone\n/);
    assert.doesNotMatch(after.scripts[1]!, /svc_kept/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing file is a first start; an unreadable one is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-nat-table-'));
  try {
    recordingTable().table.restoreFrom(join(dir, 'none.json'));
    writeFileSync(join(dir, 'bad.json'), '{');
    assert.throws(() => recordingTable().table.restoreFrom(join(dir, 'bad.json')), SyntaxError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("services the kernel refuses are taken back out: one owner's error does not stop the others", async () => {
  const scripts: string[] = [];
  const table = new NatTable(
    async (script) => {
      if (script.includes('svc_bad')) throw new Error('nft: syntax error');
      scripts.push(script);
    },
    async () => new Map(),
  );
  await table.set('nat:good', [service('svc_good', 53)]);
  await table.set('nat:good', [service('svc_good', 53)]);
  assert.equal(scripts.length, 1, 'an owner that changes nothing writes nothing');
  await assert.rejects(table.set('nat:bad', [service('svc_bad', 54)]), /syntax error/);
  await table.set('nat:other', [service('svc_other', 55)]);
  // The failed delta was retried whole and failed too: what the kernel holds is not known, so the next write is whole.
  assert.match(scripts.at(-1)!, /add chain inet weir svc_good\n/);
  assert.match(scripts.at(-1)!, /add chain inet weir svc_other\n/);
  assert.doesNotMatch(scripts.at(-1)!, /svc_bad/);
  const writes = scripts.length;
  await table.set('proxy:none', []);
  assert.equal(scripts.length, writes, 'nor does one that has nothing and asks for nothing');
});

/** Runs `check` with the path of a state file in a directory of its own, removed afterwards. */
async function withStateFile(check: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-nat-table-'));
  try {
    await check(join(dir, 'nat-services.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pool = { sources: ['10.77.0.0/24'], addresses: ['203.0.113.10', '203.0.113.11'], interface: 'eth0' };

test('no source NAT configured and none written before: nothing is written', () =>
  withStateFile(async (file) => {
    const { table, scripts } = recordingTable();
    table.restoreFrom(file);
    await table.setSourceNat([]);
    await table.dropUnclaimed();
    assert.deepEqual(scripts, []);
    writeFileSync(file, JSON.stringify({ services: {}, source_nat: [] }));
    const again = recordingTable();
    again.table.restoreFrom(file);
    await again.table.setSourceNat([]);
    assert.deepEqual(again.scripts, []);
  }));

test('source NAT is written without any service, kept across restarts, and taken out once unconfigured', () =>
  withStateFile(async (file) => {
    const first = recordingTable();
    first.table.restoreFrom(file);
    await first.table.setSourceNat([pool]);
    assert.equal(first.scripts.length, 1);
    assert.match(first.scripts[0]!, /add chain inet weir source_nat \{/);
    assert.match(
      first.scripts[0]!,
      /snat ip to jhash ip saddr mod 2 .* map \{ 0 : 203\.0\.113\.10, 1 : 203\.0\.113\.11 \}/,
    );
    await first.table.setSourceNat([{ ...pool }]);
    assert.equal(first.scripts.length, 1, 'unchanged rules write nothing');
    await first.table.set('nat:one', [service('svc_a', 53)]);
    assert.doesNotMatch(first.scripts[1]!, /source_nat/, "an owner's change leaves source NAT as it is");
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).source_nat, [pool]);

    // After a reboot the kernel's table is empty: the same rules are written again.
    const rebooted = recordingTable();
    rebooted.table.restoreFrom(file);
    await rebooted.table.setSourceNat([pool]);
    assert.match(rebooted.scripts[0]!, /add chain inet weir source_nat \{/);

    const unconfigured = recordingTable();
    unconfigured.table.restoreFrom(file);
    await unconfigured.table.setSourceNat([]);
    assert.equal(unconfigured.scripts.length, 1, 'rules no longer configured are taken out');
    assert.doesNotMatch(unconfigured.scripts[0]!, /source_nat/);
    assert.match(unconfigured.scripts[0]!, /add chain inet weir svc_a\n/, 'services stay');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).source_nat, []);
  }));

test('the file of a weir from before source NAT (services keyed by owner) is still read', () =>
  withStateFile(async (file) => {
    writeFileSync(file, JSON.stringify({ 'nat:old': [service('svc_old', 53)] }));
    const { table, scripts } = recordingTable();
    table.restoreFrom(file);
    await table.setSourceNat([pool]);
    assert.match(scripts[0]!, /add chain inet weir svc_old\n/);
    assert.match(scripts[0]!, /add chain inet weir source_nat \{/);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {
      services: { 'nat:old': [service('svc_old', 53)] },
      source_nat: [pool],
    });
  }));
