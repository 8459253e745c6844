import type { NftChain, NftObject, TablePieces } from './table-pieces.ts';

/** One part of a table, its fixed frame or one service: `source` is what its pieces are rendered from. */
export interface TablePart {
  id: string;
  source: unknown;
  pieces: () => TablePieces;
}

/** A change written as one `nft -f` script, and what records it as applied once the kernel has taken it. */
export interface TablePlan {
  script: string;
  commit: () => void;
}

export type CarriedCounters = ReadonlyMap<string, { packets: number; bytes: number }>;

/**
 * A set of the table holding one number, the count of writes: each delta replaces it, so a delta fails, and changes
 * nothing, when the table is not the one this process wrote (deleted, flushed, replaced behind its back).
 */
const GENERATION = 'weir_generation';

/** Elements per statement: one statement of 65537 elements would be one huge line for nft to parse. */
const ELEMENT_CHUNK = 4096;

/**
 * What a table holds, part by part, as written by this process: `plan` turns it into another state with a script
 * that touches only the pieces of parts that differ (kube-proxy's nftables mode works the same way), so a change
 * costs the same whatever the size of the table.
 */
export class TableState {
  private parts = new Map<string, { source: unknown; pieces: TablePieces }>();
  /** Elements parts put into maps and sets they do not declare: map -> key -> value and how many parts hold it. */
  private readonly shared = new Map<string, Map<string, { value: string; holders: number }>>();
  private generation = 0;

  /** `table`: family and name, `inet weir`. */
  constructor(private readonly table: string) {}

  /**
   * A whole table for these parts, replacing whatever the kernel holds in one transaction: every piece added to an
   * empty table, counters starting from `carried`.
   */
  static whole(
    table: string,
    parts: readonly TablePart[],
    carried: CarriedCounters,
  ): { script: string; state: TableState } {
    const state = new TableState(table);
    const added = state.changes(parts, carried);
    if (!added) throw new Error('an empty table has nothing to replace');
    added.commit();
    const lines = [
      `table ${table} {}`,
      `delete table ${table}`,
      `add table ${table}`,
      `add set ${table} ${GENERATION} { type mark ; }`,
      `add element ${table} ${GENERATION} { 0 }`,
      ...added.lines,
    ];
    return { script: `${lines.join('\n')}\n`, state };
  }

  /**
   * The script from this state to `after`, one transaction that first checks the kernel holds this state (the
   * generation), or null when the table has to be written whole (see `changes`).
   */
  plan(after: readonly TablePart[]): TablePlan | null {
    const changes = this.changes(after, new Map());
    if (!changes) return null;
    if (changes.lines.length === 0) return { script: '', commit: changes.commit };
    const t = this.table;
    const lines = [
      `delete element ${t} ${GENERATION} { ${this.generation} }`,
      `add element ${t} ${GENERATION} { ${this.generation + 1} }`,
      ...changes.lines,
    ];
    return {
      script: `${lines.join('\n')}\n`,
      commit: () => {
        changes.commit();
        this.generation++;
      },
    };
  }

  /**
   * The statements from this state to `after`, in the order one transaction needs: references go before what they
   * refer to, and what is added exists before anything refers to it. Null when the change replaces or removes a map
   * or set other parts still put elements in.
   */
  private changes(
    after: readonly TablePart[],
    carried: CarriedCounters,
  ): { lines: string[]; commit: () => void } | null {
    const next = new Map<string, { source: unknown; pieces: TablePieces }>();
    const steps = new Steps();
    const shared = new SharedChanges();
    const diff = (before: TablePieces | undefined, pieces: TablePieces | undefined) => {
      steps.diff(before, pieces);
      for (const element of sharedElements(before)) shared.count(element, -1);
      for (const element of sharedElements(pieces)) shared.count(element, +1);
    };
    for (const part of after) {
      const held = this.parts.get(part.id);
      if (held && sameSource(held.source, part.source)) {
        next.set(part.id, { source: part.source, pieces: held.pieces });
        continue;
      }
      const pieces = part.pieces();
      next.set(part.id, { source: part.source, pieces });
      diff(held?.pieces, pieces);
    }
    for (const [id, held] of this.parts) if (!next.has(id)) diff(held.pieces, undefined);
    const sharedSteps = shared.steps(this.shared);
    // A map or set that goes may hold others' elements only if they go with it (in the same change, first).
    if (steps.deleteObjects.some((object) => sharedSteps.holds(object.name))) return null;
    const t = this.table;
    const lines = [
      ...elementLines('delete', t, sharedSteps.deletes),
      ...steps.flush.map((name) => `flush chain ${t} ${name}`),
      ...elementLines('delete', t, steps.deleteElements),
      ...steps.deleteChains.map((name) => `delete chain ${t} ${name}`),
      ...steps.deleteObjects.map((o) => `delete ${o.kind} ${t} ${o.name}`),
      ...steps.addObjects.map((o) => addObject(t, o, carried)),
      ...steps.addChains.map((c) => `add chain ${t} ${c.name}${c.hook ? ` { ${c.hook} }` : ''}`),
      ...elementLines('add', t, steps.addElements),
      ...steps.rules.flatMap((c) => c.rules.map((rule) => `add rule ${t} ${c.name} ${rule}`)),
      ...elementLines('add', t, sharedSteps.adds),
    ];
    return {
      lines,
      commit: () => {
        this.parts = next;
        sharedSteps.commit(this.shared);
      },
    };
  }
}

const sameSource = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

function addObject(table: string, object: NftObject, carried: CarriedCounters): string {
  if (object.kind !== 'counter') return `add ${object.kind} ${table} ${object.name} { ${object.spec} }`;
  const value = carried.get(object.name);
  return `add counter ${table} ${object.name}${value ? ` { packets ${value.packets} bytes ${value.bytes} }` : ''}`;
}

/** map -> key -> value; deletions name the key alone. */
type ElementSteps = Map<string, Map<string, string>>;

function elementLines(verb: 'add' | 'delete', table: string, elements: ElementSteps): string[] {
  const lines: string[] = [];
  for (const [map, entries] of elements) {
    const texts = [...entries].map(([key, value]) => (verb === 'add' && value ? `${key} : ${value}` : key));
    for (let start = 0; start < texts.length; start += ELEMENT_CHUNK) {
      lines.push(`${verb} element ${table} ${map} { ${texts.slice(start, start + ELEMENT_CHUNK).join(', ')} }`);
    }
  }
  return lines;
}

function put(steps: ElementSteps, map: string, key: string, value: string): void {
  inner(steps, map).set(key, value);
}

/** The map under `key` in `outer`, created empty the first time. */
function inner<K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> {
  const found = outer.get(key);
  if (found) return found;
  const created = new Map<K, V>();
  outer.set(key, created);
  return created;
}

const byName = <T extends { name: string }>(items: readonly T[] | undefined) =>
  new Map((items ?? []).map((item) => [item.name, item]));

/** Elements of `pieces` in maps it declares (own: true) or in others' (own: false), entries by key. */
function elementsOf(pieces: TablePieces | undefined, own: boolean): Map<string, Map<string, string>> {
  const declared = new Set(pieces?.objects.map((o) => o.name));
  const maps = new Map<string, Map<string, string>>();
  for (const { map, entries } of pieces?.elements ?? []) {
    if (declared.has(map) !== own) continue;
    const held = maps.get(map) ?? new Map<string, string>();
    for (const [key, value] of entries) held.set(key, value);
    maps.set(map, held);
  }
  return maps;
}

function* sharedElements(pieces: TablePieces | undefined): Generator<[map: string, key: string, value: string]> {
  for (const [map, entries] of elementsOf(pieces, false)) for (const [key, value] of entries) yield [map, key, value];
}

/** The statements one part's change needs, gathered over every changed part and written phase by phase. */
class Steps {
  readonly flush: string[] = [];
  readonly deleteElements: ElementSteps = new Map();
  readonly deleteChains: string[] = [];
  readonly deleteObjects: NftObject[] = [];
  readonly addObjects: NftObject[] = [];
  readonly addChains: NftChain[] = [];
  readonly addElements: ElementSteps = new Map();
  /** Chains whose rules are (re)written, after their flush. */
  readonly rules: NftChain[] = [];

  diff(before: TablePieces | undefined, after: TablePieces | undefined): void {
    const objectsBefore = byName(before?.objects);
    const objectsAfter = byName(after?.objects);
    // A map whose type changes is deleted and declared again, so the rules that name it are rewritten too.
    const replaced = new Set<string>();
    for (const [name, object] of objectsBefore) {
      const now = objectsAfter.get(name);
      if (now && now.kind === object.kind && now.spec === object.spec) continue;
      this.deleteObjects.push(object);
      if (now) replaced.add(name);
    }
    for (const [name, object] of objectsAfter) {
      if (!objectsBefore.has(name) || replaced.has(name)) this.addObjects.push(object);
    }
    const chainsBefore = byName(before?.chains);
    const chainsAfter = byName(after?.chains);
    for (const [name, chain] of chainsBefore) {
      if (chainsAfter.get(name)?.hook === chain.hook) continue;
      this.flush.push(name);
      this.deleteChains.push(name);
    }
    for (const [name, chain] of chainsAfter) {
      const was = chainsBefore.get(name);
      if (was?.hook !== chain.hook) {
        this.addChains.push(chain);
        this.rules.push(chain);
      } else if (
        replaced.size > 0 ||
        was.rules.length !== chain.rules.length ||
        was.rules.some((r, i) => r !== chain.rules[i])
      ) {
        this.flush.push(name);
        this.rules.push(chain);
      }
    }
    const ownBefore = elementsOf(before, true);
    const ownAfter = elementsOf(after, true);
    for (const map of new Set([...ownBefore.keys(), ...ownAfter.keys()])) {
      if (!objectsAfter.has(map)) continue;
      const kept = objectsBefore.has(map) && !replaced.has(map);
      const was = (kept && ownBefore.get(map)) || new Map<string, string>();
      const now = ownAfter.get(map) ?? new Map<string, string>();
      // A changed value is a delete and an add of that element: nft refuses to add a key a map holds.
      for (const [key, value] of was) if (now.get(key) !== value) put(this.deleteElements, map, key, value);
      for (const [key, value] of now) if (was.get(key) !== value) put(this.addElements, map, key, value);
    }
  }
}

/** Shared elements: how many parts hold each touched key before and after, and the statements that follow. */
class SharedChanges {
  private readonly touched = new Map<string, Map<string, { change: number; value?: string }>>();

  count([map, key, value]: [string, string, string], change: 1 | -1): void {
    const keys = inner(this.touched, map);
    const entry = keys.get(key) ?? { change: 0 };
    entry.change += change;
    if (change > 0) entry.value = value;
    keys.set(key, entry);
  }

  steps(held: Map<string, Map<string, { value: string; holders: number }>>) {
    const deletes: ElementSteps = new Map();
    const adds: ElementSteps = new Map();
    const after: [map: string, key: string, value: { value: string; holders: number } | null][] = [];
    for (const [map, keys] of this.touched) {
      for (const [key, { change, value }] of keys) {
        const was = held.get(map)?.get(key);
        const holders = (was?.holders ?? 0) + change;
        const now = value ?? was?.value ?? '';
        if (was && (holders === 0 || now !== was.value)) put(deletes, map, key, was.value);
        if (holders > 0 && (!was || now !== was.value)) put(adds, map, key, now);
        after.push([map, key, holders > 0 ? { value: now, holders } : null]);
      }
    }
    /** Whether `map` holds elements of parts once the change is in. */
    const holds = (map: string) =>
      [...(held.get(map)?.keys() ?? [])].some((key) => !this.touched.get(map)?.has(key)) ||
      after.some(([touched, , value]) => touched === map && value !== null);
    const commit = (into: typeof held) => {
      for (const [map, key, value] of after) {
        const keys = inner(into, map);
        if (value) keys.set(key, value);
        else keys.delete(key);
        if (keys.size === 0) into.delete(map);
      }
    };
    return { deletes, adds, holds, commit };
  }
}
