import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMaglevTable, type MaglevMember, type MaglevTable, redirectIneligible } from './maglev-table.ts';

const OPTIONS = { tableSize: 65537, seed: 0x5eed };
const members = (n: number, weight: (i: number) => number = () => 1): MaglevMember[] =>
  Array.from({ length: n }, (_, i) => ({ id: `member-${i}`, weight: weight(i) }));
const owners = (table: MaglevTable, slots = table.slots) => Array.from(slots, (i) => table.ids[i]!);

/** Slots whose owner changed, and those among them that moved between two members present in both tables. */
function moves(before: string[], after: string[], present: (id: string) => boolean) {
  let moved = 0;
  let between = 0;
  for (let slot = 0; slot < before.length; slot++) {
    if (before[slot] === after[slot]) continue;
    moved++;
    if (present(before[slot]!) && present(after[slot]!)) between++;
  }
  return { moved: moved / before.length, between: between / before.length };
}

test('the table depends only on ids, weights, size and seed: not on the order members are given in', () => {
  const list = members(30, (i) => 1 + ((i * 53) % 256));
  const table = buildMaglevTable(list, OPTIONS);
  const shuffled = [...list].sort(() => Math.random() - 0.5);
  assert.deepEqual(buildMaglevTable(shuffled, OPTIONS), table);
  assert.deepEqual(buildMaglevTable([...list].reverse(), OPTIONS), table);
  assert.deepEqual(table.ids, list.map((m) => m.id).sort());
  const reseeded = owners(buildMaglevTable(list, { ...OPTIONS, seed: 0x5eee }));
  const moved = moves(owners(table), reseeded, () => true).moved;
  assert.ok(moved > 0.9, `another seed is another table (${moved} of the slots differ)`);
});

test('every slot is filled and every member holds its weighted share to within a slot', (t) => {
  for (const [label, list] of [
    ['10 equal', members(10)],
    ['10 weighted', members(10, (i) => 1 + ((i * 97) % 256))],
    ['100 weighted', members(100, (i) => 1 + ((i * 97) % 256))],
  ] as const) {
    const table = buildMaglevTable(list, OPTIONS);
    assert.equal(table.slots.length, OPTIONS.tableSize);
    const counts = new Array<number>(list.length).fill(0);
    for (const owner of table.slots) counts[owner]!++;
    const total = list.reduce((sum, m) => sum + m.weight, 0);
    let worst = 0;
    table.ids.forEach((id, i) => {
      const ideal = (OPTIONS.tableSize * list.find((m) => m.id === id)!.weight) / total;
      worst = Math.max(worst, Math.abs(counts[i]! - ideal));
    });
    t.diagnostic(`${label}: largest deviation ${worst.toFixed(2)} slots`);
    assert.ok(worst < 1, `${label}: a member is ${worst} slots off its share`);
  }
});

test('removing one of N members from the configuration moves about 1/N of slots, a few between the others', (t) => {
  for (const n of [10, 100]) {
    const list = members(n);
    const before = owners(buildMaglevTable(list, OPTIONS));
    const gone = list[n >> 1]!.id;
    const after = owners(
      buildMaglevTable(
        list.filter((m) => m.id !== gone),
        OPTIONS,
      ),
    );
    const { moved, between } = moves(before, after, (id) => id !== gone);
    t.diagnostic(
      `N=${n}: ${(moved * 100).toFixed(2)}% moved (ideal ${(100 / n).toFixed(2)}%), ${(between * 100).toFixed(3)}% between survivors`,
    );
    assert.ok(after.every((id) => id !== gone));
    assert.ok(moved >= 1 / n - 0.001 && moved <= 1 / n + 0.01, `moved ${moved}`);
    // Maglev's own rebuild is near-minimal, not minimal; downing a member (below) moves nothing between others.
    assert.ok(between < 0.01, `between survivors ${between}`);
  }
});

test('adding a member to N moves about 1/(N+1) of slots, nearly all to the newcomer', (t) => {
  for (const n of [10, 100]) {
    const list = members(n);
    const before = owners(buildMaglevTable(list, OPTIONS));
    const after = owners(buildMaglevTable([...list, { id: 'newcomer', weight: 1 }], OPTIONS));
    const { moved, between } = moves(before, after, (id) => id !== 'newcomer');
    t.diagnostic(
      `N=${n}: ${(moved * 100).toFixed(2)}% moved (ideal ${(100 / (n + 1)).toFixed(2)}%), ${(between * 100).toFixed(3)}% not to the newcomer`,
    );
    assert.ok(Math.abs(moved - 1 / (n + 1)) < 0.01, `moved ${moved}`);
    assert.ok(between < 0.01, `between others ${between}`);
  }
});

test('redirecting ineligible members moves only their slots, spread over the others, and undoes exactly', (t) => {
  const list = members(10);
  const table = buildMaglevTable(list, OPTIONS);
  assert.equal(
    redirectIneligible(
      table,
      list.map(() => true),
    ),
    table.slots,
  );
  const before = owners(table);
  const down = new Set(['member-3', 'member-7']);
  const after = owners(
    table,
    redirectIneligible(
      table,
      table.ids.map((id) => !down.has(id)),
    ),
  );
  const { moved, between } = moves(before, after, (id) => !down.has(id));
  assert.equal(between, 0);
  assert.ok(after.every((id) => !down.has(id)));
  const heirs = new Map<string, number>();
  before.forEach((id, slot) => {
    if (down.has(id)) heirs.set(after[slot]!, (heirs.get(after[slot]!) ?? 0) + 1);
  });
  const spread = [...heirs.values()];
  t.diagnostic(
    `${(moved * 100).toFixed(2)}% moved; survivors took ${Math.min(...spread)}-${Math.max(...spread)} slots each`,
  );
  assert.equal(heirs.size, 8);
  const fair = (moved * OPTIONS.tableSize) / 8;
  assert.ok(
    spread.every((n) => Math.abs(n - fair) < fair * 0.06),
    `uneven spread ${spread}`,
  );
  // A third member going down moves only its own slots and the slots redirected to it.
  const later = owners(
    table,
    redirectIneligible(
      table,
      table.ids.map((id) => !down.has(id) && id !== 'member-5'),
    ),
  );
  for (let slot = 0; slot < later.length; slot++) {
    if (after[slot] !== 'member-5') assert.equal(later[slot], after[slot]);
  }
  assert.throws(
    () =>
      redirectIneligible(
        table,
        table.ids.map(() => false),
      ),
    /no eligible member/,
  );
});

test('redirecting still reaches an eligible member that holds only a few slots', () => {
  const table = buildMaglevTable(
    [
      { id: 'big-1', weight: 256 },
      { id: 'big-2', weight: 256 },
      { id: 'small', weight: 1 },
    ],
    OPTIONS,
  );
  const served = owners(table, redirectIneligible(table, [false, false, true]));
  assert.ok(served.every((id) => id === 'small'));
});

test('refuses a table size that is not prime, a seed beyond 32 bits, weights outside 1-256 and duplicate ids', () => {
  assert.throws(() => buildMaglevTable(members(3), { ...OPTIONS, tableSize: 65536 }), /not a prime/);
  assert.throws(() => buildMaglevTable(members(3), { ...OPTIONS, seed: 2 ** 32 }), /seed/);
  assert.throws(() => buildMaglevTable(members(3), { ...OPTIONS, seed: -1 }), /seed/);
  assert.throws(
    () =>
      buildMaglevTable(
        members(3, () => 0),
        OPTIONS,
      ),
    /weight 0/,
  );
  assert.throws(() => buildMaglevTable([...members(2), ...members(1)], OPTIONS), /appears twice/);
  assert.throws(() => buildMaglevTable(members(8), { ...OPTIONS, tableSize: 7 }), /do not fit/);
  assert.equal(buildMaglevTable([], OPTIONS).slots.length, 0);
  assert.deepEqual(Array.from(buildMaglevTable(members(1), { ...OPTIONS, tableSize: 7 }).slots), [0, 0, 0, 0, 0, 0, 0]);
});
