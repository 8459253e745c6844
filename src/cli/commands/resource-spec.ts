import type { Collection } from '../../client/collections.ts';
import type { ObjectKind } from '../../client/owning-load-balancer.ts';
import type { FieldOption } from './field-options.ts';

/** A positional argument that names another object, by name or id. */
export interface ObjectArgument {
  /** As shown in usage, `<loadbalancer>`. */
  readonly argument: string;
  readonly help: string;
  readonly collection: Collection;
}

/** A flag of `unset`: sends the field as null, which clears it or puts the API's default back. */
export interface UnsetFlag {
  readonly flag: string;
  readonly field: string;
  readonly help: string;
}

/**
 * Everything that differs between `weir loadbalancer`, `weir listener`, ... `weir l7rule`: the commands
 * (create, list, show, set, unset, delete) are built from this, the same way for every kind of object.
 */
export interface ResourceSpec {
  readonly kind: ObjectKind;
  readonly collection: Collection;
  /** For help: `load balancers`. */
  readonly plural: string;
  /** The argument naming one object in show, set, unset and delete. */
  readonly objectArgument: string;
  /** Members and L7 rules: every command first names the pool or policy they live in. */
  readonly parent?: ObjectArgument;
  /** create's positional argument for the object it is added to, sent as `field` (a listener's load balancer). */
  readonly createTarget?: ObjectArgument & { readonly field: string };
  /** list's default columns. */
  readonly listColumns: readonly string[];
  /** show's fields, in the OpenStack CLI's order; list's `-c` may pick these too. */
  readonly showColumns: readonly string[];
  readonly createOptions: readonly FieldOption[];
  readonly setOptions: readonly FieldOption[];
  readonly unsetFlags: readonly UnsetFlag[];
  /** list's filters: `field` is the query key. */
  readonly listFilters: readonly FieldOption[];
  /** delete's flags that add a query parameter (`--cascade`). */
  readonly deleteFlags?: readonly { readonly flag: string; readonly query: string; readonly help: string }[];
  /** The API has `GET .../{id}/stats` for it. */
  readonly hasStats?: boolean;
}
