import type { ObjectKind, StoredObject, StoreReader } from '../../store/state-store.ts';

/** Links kept in stored objects to place them in their tree; Octavia's responses show relations as id lists instead. */
const INTERNAL_FIELDS: Partial<Record<ObjectKind, readonly string[]>> = {
  loadbalancer: ['flavor_data'],
  listener: ['loadbalancer_id'],
  pool: ['loadbalancer_id', 'listener_id'],
  member: ['pool_id', 'loadbalancer_id'],
  healthmonitor: ['pool_id', 'loadbalancer_id'],
  l7policy: ['loadbalancer_id'],
  l7rule: ['l7policy_id', 'listener_id', 'loadbalancer_id'],
};

/**
 * Settings weir stores with an object for its data planes (a pool's Maglev table size and seed, fixed at creation so
 * every node builds the same table): not Octavia's, so never shown, filtered or sorted on, and no request sets them.
 */
export const PRIVATE_FIELDS: Partial<Record<ObjectKind, readonly string[]>> = {
  pool: ['maglev_table_size', 'maglev_seed'],
};

type Row = StoredObject;
type Ids = { id: string }[];

/** Children grouped by the field that links them to a parent. */
class ChildIndex {
  private readonly byParent = new Map<string, Row[]>();

  constructor(rows: readonly Row[], field: string) {
    for (const row of rows) {
      const parent = row[field];
      if (typeof parent !== 'string') continue;
      const list = this.byParent.get(parent);
      if (list) list.push(row);
      else this.byParent.set(parent, [row]);
    }
  }

  rows(parentId: string): Row[] {
    return this.byParent.get(parentId) ?? [];
  }

  ids(parentId: string): Ids {
    return this.rows(parentId).map((row) => ({ id: row.id }));
  }
}

/** Renders stored objects as Octavia's API shows them, loading the relations they list in one pass. */
export async function renderAll(reader: StoreReader, kind: ObjectKind, objects: readonly Row[]): Promise<Row[]> {
  const lbIds = new Set(objects.map((o) => (kind === 'loadbalancer' ? o.id : (o.loadbalancer_id as string))));
  const load = async (child: ObjectKind): Promise<Row[]> => {
    if (lbIds.size !== 1) return reader.list(child);
    const [loadbalancer_id] = lbIds;
    return reader.list(child, { loadbalancer_id });
  };
  const base = (o: Row): Row => {
    const view: Row = { ...o, tenant_id: o.project_id };
    for (const field of [...(INTERNAL_FIELDS[kind] ?? []), ...(PRIVATE_FIELDS[kind] ?? [])]) delete view[field];
    return view;
  };
  switch (kind) {
    case 'loadbalancer': {
      const listeners = new ChildIndex(await load('listener'), 'loadbalancer_id');
      const pools = new ChildIndex(await load('pool'), 'loadbalancer_id');
      return objects.map((o) => ({ ...base(o), listeners: listeners.ids(o.id), pools: pools.ids(o.id) }));
    }
    case 'listener': {
      const byPosition = (await load('l7policy')).sort((a, b) => Number(a.position) - Number(b.position));
      const policies = new ChildIndex(byPosition, 'listener_id');
      return objects.map((o) => ({
        ...base(o),
        loadbalancers: [{ id: o.loadbalancer_id as string }],
        l7policies: policies.ids(o.id),
      }));
    }
    case 'pool': {
      const listeners = new ChildIndex(await load('listener'), 'default_pool_id');
      const policies = new ChildIndex(await load('l7policy'), 'redirect_pool_id');
      const members = new ChildIndex(await load('member'), 'pool_id');
      const monitors = new ChildIndex(await load('healthmonitor'), 'pool_id');
      return objects.map((o) => {
        const viaPolicies = policies.rows(o.id).map((p) => p.listener_id as string);
        const listenerIds = new Set([...listeners.ids(o.id).map((l) => l.id), ...viaPolicies]);
        return {
          ...base(o),
          loadbalancers: [{ id: o.loadbalancer_id as string }],
          listeners: [...listenerIds].map((id) => ({ id })),
          members: members.ids(o.id),
          healthmonitor_id: monitors.rows(o.id)[0]?.id ?? null,
        };
      });
    }
    case 'healthmonitor':
      return objects.map((o) => ({ ...base(o), pools: [{ id: o.pool_id as string }] }));
    case 'l7policy': {
      const rules = new ChildIndex(await load('l7rule'), 'l7policy_id');
      return objects.map((o) => ({ ...base(o), rules: rules.ids(o.id) }));
    }
    default:
      return objects.map(base);
  }
}

export async function renderOne(reader: StoreReader, kind: ObjectKind, object: Row): Promise<Row> {
  const [view] = await renderAll(reader, kind, [object]);
  return view!;
}
