import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMaglevTable } from './maglev-table.ts';
import { type MaglevCandidate, maglevSlots } from './maglev-tiers.ts';

const OPTIONS = { tableSize: 4099, seed: 7 };
const candidate = (id: string, fields: Partial<MaglevCandidate> = {}): MaglevCandidate => ({
  id,
  weight: 1,
  backup: false,
  eligible: true,
  ...fields,
});
const ids = (members: readonly MaglevCandidate[], slots: Uint32Array) => Array.from(slots, (i) => members[i]!.id);

test('slots name members by their index in the list given, as the table over the regular members does', () => {
  const members = [candidate('c', { weight: 3 }), candidate('a'), candidate('drained', { weight: 0 })];
  const slots = maglevSlots(members, OPTIONS);
  assert.equal(slots.length, OPTIONS.tableSize);
  const table = buildMaglevTable(
    [
      { id: 'a', weight: 1 },
      { id: 'c', weight: 3 },
    ],
    OPTIONS,
  );
  assert.deepEqual(
    ids(members, slots),
    Array.from(table.slots, (i) => table.ids[i]),
  );
  assert.ok(!ids(members, slots).includes('drained'));
});

test('an ineligible member loses exactly its slots; with no regular member eligible the backups serve', () => {
  const members = ['m0', 'm1', 'm2'].map((id) => candidate(id)).concat(candidate('b', { backup: true }));
  const before = ids(members, maglevSlots(members, OPTIONS));
  assert.ok(!before.includes('b'));
  const down = members.map((m) => (m.id === 'm1' ? { ...m, eligible: false } : m));
  const after = ids(down, maglevSlots(down, OPTIONS));
  for (let slot = 0; slot < before.length; slot++) {
    if (before[slot] === 'm1') assert.notEqual(after[slot], 'm1');
    else assert.equal(after[slot], before[slot], `slot ${slot} moved`);
  }
  const regularsDown = members.map((m) => ({ ...m, eligible: m.backup }));
  assert.deepEqual(new Set(ids(members, maglevSlots(regularsDown, OPTIONS))), new Set(['b']));
  assert.equal(maglevSlots([candidate('x', { eligible: false })], OPTIONS).length, 0);
  assert.equal(maglevSlots([], OPTIONS).length, 0);
});
