/**
 * The declarative file as a typebox schema, built from the API's own create schemas (src/api/octavia/schemas), so a
 * file takes every field the API takes, with the API's types, ranges and enumerations. What the file writes
 * differently: children are nested under their parent (a load balancer's listeners and pools, a pool's members and
 * health monitor, a listener's L7 policies, a policy's rules), pools are named by name (`default_pool`,
 * `redirect_pool`) and subnets, networks and flavors by name or id; ids, projects and positions are not written.
 */
import Type, { type TObject, type TSchema } from 'typebox';
import { HealthMonitorCreate } from '../api/octavia/schemas/healthmonitor.ts';
import { L7PolicyCreate } from '../api/octavia/schemas/l7policy.ts';
import { L7RuleCreate } from '../api/octavia/schemas/l7rule.ts';
import { ListenerCreate } from '../api/octavia/schemas/listener.ts';
import { LoadBalancerCreate } from '../api/octavia/schemas/loadbalancer.ts';
import { MemberCreate } from '../api/octavia/schemas/member.ts';
import { PoolCreate } from '../api/octavia/schemas/pool.ts';
import type { ObjectKind } from '../client/owning-load-balancer.ts';

/**
 * Keys of the API's create bodies a file does not write: parents and projects are where an object sits in the file,
 * single-call nesting is the file's own structure, other objects' ids are their names, an L7 policy's position is
 * its place in the list, and weir allocates VIP ports itself.
 */
const NOT_IN_FILE = new Set([
  'project_id',
  'tenant_id',
  'loadbalancer_id',
  'listener_id',
  'pool_id',
  'default_pool_id',
  'redirect_pool_id',
  'position',
  'vip_port_id',
  'listeners',
  'pools',
  'default_pool',
  'l7policies',
  'members',
  'healthmonitor',
  'rules',
]);

/** A name that identifies an object in the file: load balancers and pools must have one. */
const IdentifyingName = Type.String({ minLength: 1, maxLength: 255 });
/** A subnet, network or flavor, by name or id: resolved to its id through the API. */
const NameOrId = Type.String({ minLength: 1, maxLength: 255 });

function fileObject(api: TObject, own: Record<string, TSchema> = {}): TObject {
  const kept = Object.entries(api.properties).filter(([key]) => !NOT_IN_FILE.has(key));
  return Type.Object({ ...Object.fromEntries(kept), ...own }, { additionalProperties: false });
}

const l7rule = fileObject(L7RuleCreate);
const l7policy = fileObject(L7PolicyCreate, {
  redirect_pool: Type.Optional(IdentifyingName),
  rules: Type.Optional(Type.Array(l7rule)),
});
const listener = fileObject(ListenerCreate, {
  default_pool: Type.Optional(IdentifyingName),
  l7policies: Type.Optional(Type.Array(l7policy)),
});
const member = fileObject(MemberCreate, { subnet_id: Type.Optional(NameOrId) });
const healthmonitor = fileObject(HealthMonitorCreate);
const pool = fileObject(PoolCreate, {
  name: IdentifyingName,
  members: Type.Optional(Type.Array(member)),
  healthmonitor: Type.Optional(healthmonitor),
});
const loadbalancer = fileObject(LoadBalancerCreate, {
  name: IdentifyingName,
  vip_subnet_id: Type.Optional(NameOrId),
  vip_network_id: Type.Optional(NameOrId),
  flavor_id: Type.Optional(NameOrId),
  additional_vips: Type.Optional(
    Type.Array(
      Type.Object(
        { subnet_id: NameOrId, ip_address: Type.Optional(Type.String({ maxLength: 64 })) },
        { additionalProperties: false },
      ),
    ),
  ),
  listeners: Type.Optional(Type.Array(listener)),
  pools: Type.Optional(Type.Array(pool)),
});

/** Each kind's mapping in the file. */
export const KIND_SCHEMAS: Readonly<Record<ObjectKind, TObject>> = {
  loadbalancer,
  listener,
  pool,
  member,
  healthmonitor,
  l7policy,
  l7rule,
};

/** A whole file: the load balancers it describes. The key is required, so an empty file never means "none". */
export const DECLARATIVE_FILE = Type.Object(
  { loadbalancers: Type.Array(loadbalancer) },
  { additionalProperties: false },
);
