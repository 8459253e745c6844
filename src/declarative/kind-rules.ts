/**
 * What the declarative engine knows of each kind of object, drawn from what weir already describes elsewhere: the
 * fields a PUT takes from the API's update schemas, the file's fields from file-schema.ts, the defaults from
 * src/model/field-defaults.ts, and the fields that name a subnet, network or flavor from the CLI's resource
 * descriptions (src/cli/resources). What is its own: how objects are identified (identity.ts) and nested.
 */
import type { TObject } from 'typebox';
import { HealthMonitorUpdate } from '../api/octavia/schemas/healthmonitor.ts';
import { L7PolicyUpdate } from '../api/octavia/schemas/l7policy.ts';
import { L7RuleUpdate } from '../api/octavia/schemas/l7rule.ts';
import { ListenerUpdate } from '../api/octavia/schemas/listener.ts';
import { LoadBalancerUpdate } from '../api/octavia/schemas/loadbalancer.ts';
import { MemberUpdate } from '../api/octavia/schemas/member.ts';
import { PoolUpdate } from '../api/octavia/schemas/pool.ts';
import type { ValueOption } from '../cli/commands/field-options.ts';
import { ALL_RESOURCES } from '../cli/resources/all-resources.ts';
import { COLLECTIONS, type Collection } from '../client/collections.ts';
import type { Json } from '../client/octavia-client.ts';
import type { ObjectKind } from '../client/owning-load-balancer.ts';
import {
  healthmonitorDefaults,
  l7policyDefaults,
  l7ruleDefaults,
  listenerDefaults,
  loadbalancerDefaults,
  memberDefaults,
  poolDefaults,
} from '../model/field-defaults.ts';
import { KIND_SCHEMAS } from './file-schema.ts';

/** Where a kind's children sit in its mapping: `listeners:` of a load balancer; `healthmonitor:` is one object. */
export interface ChildList {
  readonly key: string;
  readonly kind: ObjectKind;
  readonly single?: boolean;
}

/** A field holding another object's id, which the file writes as a pool's name under another key. */
export interface PoolReference {
  /** The API's field: `default_pool_id`. */
  readonly field: string;
  /** The file's key: `default_pool`. */
  readonly fileKey: string;
}

/** A field naming a subnet, network or flavor, which a file may give by name (`vip_subnet_id: local`). */
export interface NameLookup {
  readonly field: string;
  readonly collection: Collection;
  /** For a list of objects (`additional_vips`): the key of each that holds the name or id. */
  readonly itemKey?: string;
}

export interface KindRules {
  readonly kind: ObjectKind;
  readonly collection: Collection;
  readonly children: readonly ChildList[];
  readonly references: readonly PoolReference[];
  readonly lookups: readonly NameLookup[];
  /** Fields a PUT changes. */
  readonly updatable: readonly string[];
  /** Fields set when the object is created and never after: another value needs another object. */
  readonly createOnly: readonly string[];
  /** The create body's field naming the parent; members and rules name theirs in the URL instead. */
  readonly parentField?: string;
  /** The value the API gives each updatable field nobody set, given the object's other fields. */
  defaults(fields: Json): Json;
}

const LOOKUP_COLLECTIONS = new Set(['subnet', 'network', 'flavor']);

function rules(
  kind: ObjectKind,
  update: TObject,
  defaults: (fields: Json) => Json,
  structure: { children?: ChildList[]; references?: PoolReference[]; parentField?: string },
): KindRules {
  const children = structure.children ?? [];
  const references = structure.references ?? [];
  const fileKeys = Object.keys(KIND_SCHEMAS[kind].properties);
  const structural = new Set([...children.map((c) => c.key), ...references.map((r) => r.fileKey)]);
  const updatable = Object.keys(update.properties).filter((key) => fileKeys.includes(key));
  const spec = ALL_RESOURCES.find((resource) => resource.kind === kind)!;
  const lookups = spec.createOptions
    .filter((option): option is ValueOption => 'refersTo' in option && LOOKUP_COLLECTIONS.has(String(option.refersTo)))
    .map((option) => ({
      field: option.field,
      collection: COLLECTIONS[option.refersTo!],
      itemKey: option.refersToKey,
    }));
  return {
    kind,
    collection: spec.collection,
    children,
    references,
    lookups,
    updatable,
    createOnly: fileKeys.filter((key) => !structural.has(key) && !updatable.includes(key)),
    parentField: structure.parentField,
    defaults,
  };
}

export const KIND_RULES: Readonly<Record<ObjectKind, KindRules>> = {
  loadbalancer: rules('loadbalancer', LoadBalancerUpdate, loadbalancerDefaults, {
    // Pools first: listeners and policies name them, so they are matched (and created) before.
    children: [
      { key: 'pools', kind: 'pool' },
      { key: 'listeners', kind: 'listener' },
    ],
  }),
  listener: rules('listener', ListenerUpdate, listenerDefaults, {
    children: [{ key: 'l7policies', kind: 'l7policy' }],
    references: [{ field: 'default_pool_id', fileKey: 'default_pool' }],
    parentField: 'loadbalancer_id',
  }),
  pool: rules('pool', PoolUpdate, poolDefaults, {
    children: [
      { key: 'members', kind: 'member' },
      { key: 'healthmonitor', kind: 'healthmonitor', single: true },
    ],
    parentField: 'loadbalancer_id',
  }),
  member: rules('member', MemberUpdate, memberDefaults, {}),
  healthmonitor: rules('healthmonitor', HealthMonitorUpdate, healthmonitorDefaults, { parentField: 'pool_id' }),
  l7policy: rules('l7policy', L7PolicyUpdate, l7policyDefaults, {
    children: [{ key: 'rules', kind: 'l7rule' }],
    references: [{ field: 'redirect_pool_id', fileKey: 'redirect_pool' }],
    parentField: 'listener_id',
  }),
  l7rule: rules('l7rule', L7RuleUpdate, l7ruleDefaults, {}),
};
