/**
 * The policy action of every Octavia API route, in one table so it can be read and reviewed as a whole. A route
 * missing here has no action and is refused in keystone mode (a test keeps every registered route listed).
 */
const CRUD: ReadonlyArray<[collection: string, member: string, resource: string, global: boolean]> = [
  ['/lbaas/loadbalancers', '/lbaas/loadbalancers/:id', 'loadbalancer', true],
  ['/lbaas/listeners', '/lbaas/listeners/:id', 'listener', true],
  ['/lbaas/pools', '/lbaas/pools/:id', 'pool', true],
  ['/lbaas/pools/:poolId/members', '/lbaas/pools/:poolId/members/:id', 'member', false],
  ['/lbaas/healthmonitors', '/lbaas/healthmonitors/:id', 'healthmonitor', true],
  ['/lbaas/l7policies', '/lbaas/l7policies/:id', 'l7policy', true],
  ['/lbaas/l7policies/:policyId/rules', '/lbaas/l7policies/:policyId/rules/:id', 'l7rule', false],
  ['/lbaas/flavors', '/lbaas/flavors/:key', 'flavor', false],
  ['/lbaas/flavorprofiles', '/lbaas/flavorprofiles/:key', 'flavor-profile', false],
  ['/lbaas/availabilityzones', '/lbaas/availabilityzones/:key', 'availability-zone', false],
  ['/lbaas/availabilityzoneprofiles', '/lbaas/availabilityzoneprofiles/:key', 'availability-zone-profile', false],
];

const ROUTE_ACTIONS: ReadonlyMap<string, string> = new Map([
  ...CRUD.flatMap(([collection, member, resource]): [string, string][] => [
    [`GET ${collection}`, `${resource}:get_all`],
    [`POST ${collection}`, `${resource}:post`],
    [`GET ${member}`, `${resource}:get_one`],
    [`PUT ${member}`, `${resource}:put`],
    [`DELETE ${member}`, `${resource}:delete`],
  ]),
  ['GET /lbaas/loadbalancers/:id/stats', 'loadbalancer:get_stats'],
  ['GET /lbaas/loadbalancers/:id/status', 'loadbalancer:get_status'],
  // weir's extensions (docs/dashboard.md): more of the load balancer's status, read as the status tree is.
  ['GET /lbaas/loadbalancers/:id/health', 'loadbalancer:get_status'],
  ['GET /lbaas/loadbalancers/:id/reconcile', 'loadbalancer:get_status'],
  ['PUT /lbaas/loadbalancers/:id/failover', 'loadbalancer:put_failover'],
  ['GET /lbaas/listeners/:id/stats', 'listener:get_stats'],
  // Octavia checks a batch member update as a member update.
  ['PUT /lbaas/pools/:poolId/members', 'member:put'],
  ['GET /lbaas/quotas', 'quota:get_all'],
  ['GET /lbaas/quotas/defaults', 'quota:get_defaults'],
  ['GET /lbaas/quotas/:project', 'quota:get_one'],
  ['GET /lbaas/quotas/:project/default', 'quota:get_defaults'],
  ['PUT /lbaas/quotas/:project', 'quota:put'],
  ['DELETE /lbaas/quotas/:project', 'quota:delete'],
  ['GET /lbaas/providers', 'provider:get_all'],
  ['GET /lbaas/providers/:provider/flavor_capabilities', 'provider-flavor:get_all'],
  ['GET /lbaas/providers/:provider/availability_zone_capabilities', 'provider-availability-zone:get_all'],
  ['GET /octavia/amphorae', 'amphora:get_all'],
  ['GET /octavia/amphorae/:id', 'amphora:get_one'],
  ['GET /octavia/amphorae/:id/stats', 'amphora:get_stats'],
  ['PUT /octavia/amphorae/:id/failover', 'amphora:put_failover'],
  ['PUT /octavia/amphorae/:id/config', 'amphora:put_config'],
  ['DELETE /octavia/amphorae/:id', 'amphora:delete'],
]);

/** Collections whose list has a `get_all-global` rule: an admin or global observer may list every project. */
export const GLOBAL_LIST_RESOURCES: ReadonlySet<string> = new Set([
  ...CRUD.filter(([, , , global]) => global).map(([, , resource]) => resource),
  'quota',
]);

/**
 * Resources that belong to no project: Octavia checks them against the caller's own project before anything else.
 * Amphorae are checked the same way, but after the look-up (v2/amphorae.ts), as Octavia orders it.
 */
export const CALLER_SCOPED_RESOURCES: ReadonlySet<string> = new Set([
  'flavor',
  'flavor-profile',
  'availability-zone',
  'availability-zone-profile',
  'provider',
  'provider-flavor',
  'provider-availability-zone',
]);

/**
 * The action of a route, from its method and URL pattern as fastify registered it (`/v2/lbaas/pools/:id`);
 * undefined for routes outside the Octavia API.
 */
export function routeAction(method: string, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const path = url.replace(/^\/v2(\.0)?(?=\/)/, '').replace(/\/$/, '');
  return ROUTE_ACTIONS.get(`${method === 'HEAD' ? 'GET' : method} ${path}`);
}

/** Whether a URL pattern belongs to the Octavia API, where every route must have an action. */
export function isOctaviaRoute(url: string | undefined): boolean {
  return url !== undefined && /^\/v2(\.0)?\/(lbaas|octavia)\//.test(url);
}
