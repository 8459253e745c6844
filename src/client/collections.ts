/**
 * Where the API keeps each kind of object and how it wraps them: `POST /v2/lbaas/listeners` takes
 * `{"listener": {...}}` and lists answer `{"listeners": [...], "listeners_links": [...]}`. Members and L7 rules live
 * under their pool and policy (`{parent}` in the path).
 */
export interface Collection {
  /** URL path; `{parent}` stands for the id of the owning pool or L7 policy. */
  readonly path: string;
  /** Wrapper key of one object in request and response bodies. */
  readonly key: string;
  /** Wrapper key of a list. */
  readonly listKey: string;
  /** What users call it, for messages. */
  readonly title: string;
  /** Whether objects have a `name` to find them by (L7 rules have none). */
  readonly named: boolean;
}

const lbaas = (plural: string, key: string, title: string, named = true): Collection => ({
  path: `/v2/lbaas/${plural}`,
  key,
  listKey: plural,
  title,
  named,
});

export const COLLECTIONS = {
  loadbalancer: lbaas('loadbalancers', 'loadbalancer', 'load balancer'),
  listener: lbaas('listeners', 'listener', 'listener'),
  pool: lbaas('pools', 'pool', 'pool'),
  member: { ...lbaas('members', 'member', 'member'), path: '/v2/lbaas/pools/{parent}/members' },
  healthmonitor: lbaas('healthmonitors', 'healthmonitor', 'health monitor'),
  l7policy: lbaas('l7policies', 'l7policy', 'L7 policy'),
  l7rule: { ...lbaas('rules', 'rule', 'L7 rule', false), path: '/v2/lbaas/l7policies/{parent}/rules' },
  flavor: lbaas('flavors', 'flavor', 'flavor'),
  // weir answers Neutron's read-only look-ups itself, so VIP subnets and networks can be given by name.
  subnet: { path: '/v2.0/subnets', key: 'subnet', listKey: 'subnets', title: 'subnet', named: true },
  network: { path: '/v2.0/networks', key: 'network', listKey: 'networks', title: 'network', named: true },
  port: { path: '/v2.0/ports', key: 'port', listKey: 'ports', title: 'port', named: true },
} as const satisfies Record<string, Collection>;

export type CollectionName = keyof typeof COLLECTIONS;

/** The collection's path with its parent filled in. */
export function collectionPath(collection: Collection, parentId?: string): string {
  if (!collection.path.includes('{parent}')) return collection.path;
  if (parentId === undefined) throw new Error(`${collection.title}: a parent id is needed`);
  return collection.path.replace('{parent}', encodeURIComponent(parentId));
}
