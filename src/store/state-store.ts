/**
 * The desired state, as the API writes it and the reconciler reads it. Objects are JSON documents keyed by kind and
 * id, with the few columns that queries select on kept beside them, so the same query layer serves SQLite and
 * PostgreSQL.
 */
export const OBJECT_KINDS = [
  'loadbalancer',
  'listener',
  'pool',
  'member',
  'healthmonitor',
  'l7policy',
  'l7rule',
  'quota',
  'flavorprofile',
  'flavor',
  'availabilityzoneprofile',
  'availabilityzone',
  // The key manager's (src/api/barbican/): metadata here, the sealed payload beside it (secretPayload).
  'secret',
  'secret_container',
] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** A stored object: its API fields plus the links (`loadbalancer_id`, `pool_id`, ...) that place it in its tree. */
export type StoredObject = Record<string, unknown> & { id: string };

export interface ObjectFilter {
  project_id?: string;
  /** Every object of one load balancer's tree, the load balancer included. */
  loadbalancer_id?: string;
  /** The direct parent: the pool of a member or monitor, the listener of a policy, the policy of a rule. */
  parent_id?: string;
}

export interface StoreReader {
  get<T extends StoredObject>(kind: ObjectKind, id: string): Promise<T | undefined>;
  /** Objects in creation order. */
  list<T extends StoredObject>(kind: ObjectKind, filter?: ObjectFilter): Promise<T[]>;
  count(kind: ObjectKind, filter?: ObjectFilter): Promise<number>;
  /** A secret's payload as sealed by the key manager; undefined while it has none. */
  secretPayload(secretId: string): Promise<Buffer | undefined>;
}

export interface StoreWriter extends StoreReader {
  insert(kind: ObjectKind, object: StoredObject): Promise<void>;
  update(kind: ObjectKind, object: StoredObject): Promise<void>;
  /** Deleting a `secret` deletes its payload too. */
  delete(kind: ObjectKind, id: string): Promise<void>;
  /** Stores a secret's sealed payload, outside the objects: no commit event or audit entry carries it. */
  setSecretPayload(secretId: string, sealed: Buffer): Promise<void>;
}

/** One object a transaction changed: before is null for an insert, after is null for a delete. */
export interface ObjectChange {
  kind: ObjectKind;
  id: string;
  projectId: string | null;
  before: StoredObject | null;
  after: StoredObject | null;
}

/** What a committed transaction touched: the load balancers whose trees changed, and each object it changed. */
export interface CommitEvent {
  loadbalancerIds: ReadonlySet<string>;
  /** One per object, first before to last after, in the order first changed; an object inserted and deleted is left out. */
  changes: readonly ObjectChange[];
  /** The store's revision after this commit: one more than before it if `changes` is not empty, else the same. */
  revision: number;
}

export interface StateStore {
  read<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T>;
  /** Runs fn atomically and serialised with every other transaction; a throw rolls everything back. */
  transaction<T>(fn: (writer: StoreWriter) => Promise<T>): Promise<T>;
  onCommit(listener: (event: CommitEvent) => void): () => void;
  /**
   * How many committed transactions changed an object, persisted with them: it moves with every change and only
   * then, and is the same for everyone reading the same store.
   */
  revision(): Promise<number>;
  close(): Promise<void>;
}

/** Which column each kind's parent link lives in. */
export const PARENT_FIELD: Partial<Record<ObjectKind, string>> = {
  listener: 'loadbalancer_id',
  pool: 'loadbalancer_id',
  member: 'pool_id',
  healthmonitor: 'pool_id',
  l7policy: 'listener_id',
  l7rule: 'l7policy_id',
  flavor: 'flavor_profile_id',
  availabilityzone: 'availability_zone_profile_id',
};
