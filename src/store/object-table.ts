import type { Kysely, Transaction } from 'kysely';
import type { RevisionRow } from './revision-table.ts';
import {
  type ObjectChange,
  type ObjectFilter,
  type ObjectKind,
  PARENT_FIELD,
  type StoredObject,
  type StoreWriter,
} from './state-store.ts';

export interface ObjectRow {
  id: string;
  kind: string;
  project_id: string | null;
  loadbalancer_id: string | null;
  parent_id: string | null;
  seq: number;
  body: string;
}

export interface SecretPayloadRow {
  secret_id: string;
  sealed: Buffer;
}

export interface Database {
  objects: ObjectRow;
  secret_payloads: SecretPayloadRow;
  revision: RevisionRow;
}

/** The kysely query layer over the objects table, shared by every SQL dialect. */
export class ObjectTable implements StoreWriter {
  readonly touchedLoadBalancers = new Set<string>();
  private readonly changed = new Map<string, ObjectChange>();

  constructor(private readonly db: Kysely<Database> | Transaction<Database>) {}

  async get<T extends StoredObject>(kind: ObjectKind, id: string): Promise<T | undefined> {
    const row = await this.db
      .selectFrom('objects')
      .select('body')
      .where('kind', '=', kind)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  async list<T extends StoredObject>(kind: ObjectKind, filter: ObjectFilter = {}): Promise<T[]> {
    const rows = await this.filtered(kind, filter).select('body').orderBy('seq').execute();
    return rows.map((row) => JSON.parse(row.body) as T);
  }

  async count(kind: ObjectKind, filter: ObjectFilter = {}): Promise<number> {
    const row = await this.filtered(kind, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(kind: ObjectKind, object: StoredObject): Promise<void> {
    const seq = await this.db
      .selectFrom('objects')
      .select((eb) => eb.fn.max<number>('seq').as('max'))
      .executeTakeFirst();
    const columns = this.columns(kind, object);
    await this.db
      .insertInto('objects')
      .values({ ...columns, seq: (seq?.max ?? 0) + 1 })
      .execute();
    this.record(kind, object.id, null, JSON.parse(columns.body) as StoredObject);
  }

  async update(kind: ObjectKind, object: StoredObject): Promise<void> {
    const before = await this.get(kind, object.id);
    const { id, ...columns } = this.columns(kind, object);
    await this.db.updateTable('objects').set(columns).where('id', '=', id).where('kind', '=', kind).execute();
    // The body as stored, not the caller's object, which it may go on changing.
    if (before) this.record(kind, id, before, JSON.parse(columns.body) as StoredObject);
  }

  async delete(kind: ObjectKind, id: string): Promise<void> {
    const row = await this.db
      .deleteFrom('objects')
      .where('id', '=', id)
      .where('kind', '=', kind)
      .returning(['loadbalancer_id', 'body'])
      .executeTakeFirst();
    if (kind === 'secret') await this.db.deleteFrom('secret_payloads').where('secret_id', '=', id).execute();
    if (row?.loadbalancer_id) this.touchedLoadBalancers.add(row.loadbalancer_id);
    if (row) this.record(kind, id, JSON.parse(row.body) as StoredObject, null);
  }

  async secretPayload(secretId: string): Promise<Buffer | undefined> {
    const row = await this.db
      .selectFrom('secret_payloads')
      .select('sealed')
      .where('secret_id', '=', secretId)
      .executeTakeFirst();
    return row ? Buffer.from(row.sealed) : undefined;
  }

  async setSecretPayload(secretId: string, sealed: Buffer): Promise<void> {
    await this.db
      .insertInto('secret_payloads')
      .values({ secret_id: secretId, sealed })
      .onConflict((oc) => oc.column('secret_id').doUpdateSet({ sealed }))
      .execute();
  }

  /** The objects this table changed, for the commit event. */
  get changes(): ObjectChange[] {
    return [...this.changed.values()];
  }

  /** Folds successive writes to one object into one change: its state before the transaction and after it. */
  private record(kind: ObjectKind, id: string, before: StoredObject | null, after: StoredObject | null): void {
    const key = `${kind}/${id}`;
    const first = this.changed.has(key) ? this.changed.get(key)!.before : before;
    if (first === null && after === null) {
      this.changed.delete(key);
      return;
    }
    const projectId = stringOrNull((after ?? first)?.project_id);
    this.changed.set(key, { kind, id, projectId, before: first, after });
  }

  private filtered(kind: ObjectKind, filter: ObjectFilter) {
    let query = this.db.selectFrom('objects').where('kind', '=', kind);
    if (filter.project_id !== undefined) query = query.where('project_id', '=', filter.project_id);
    if (filter.loadbalancer_id !== undefined) query = query.where('loadbalancer_id', '=', filter.loadbalancer_id);
    if (filter.parent_id !== undefined) query = query.where('parent_id', '=', filter.parent_id);
    return query;
  }

  private columns(kind: ObjectKind, object: StoredObject): Omit<ObjectRow, 'seq'> {
    const loadbalancerId = kind === 'loadbalancer' ? object.id : stringOrNull(object.loadbalancer_id);
    if (loadbalancerId) this.touchedLoadBalancers.add(loadbalancerId);
    const parentField = PARENT_FIELD[kind];
    return {
      id: object.id,
      kind,
      project_id: stringOrNull(object.project_id),
      loadbalancer_id: loadbalancerId,
      parent_id: parentField ? stringOrNull(object[parentField]) : null,
      body: JSON.stringify(object),
    };
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
