/**
 * Subnets, networks and flavors named in a file by name or id (`vip_subnet_id: local`), turned into the ids the API
 * takes as the CLI does it (findObject); and back, for `weir export`, to the name when that names one object alone.
 */
import { ClientError } from '../client/client-errors.ts';
import type { Collection } from '../client/collections.ts';
import { findObject } from '../client/find-object.ts';
import type { Json, OctaviaClient } from '../client/octavia-client.ts';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import type { KeyPath } from '../config/problem.ts';
import type { DesiredFile } from './desired-file.ts';
import { KIND_RULES } from './kind-rules.ts';
import type { TreeNode } from './tree-node.ts';

export class NameLookups {
  private readonly ids = new Map<string, Promise<string>>();
  private readonly lists = new Map<Collection, Promise<Json[]>>();

  constructor(private readonly client: OctaviaClient) {}

  /** The id of the one object `nameOrId` names; ClientError when none or several do. */
  idOf(collection: Collection, nameOrId: string): Promise<string> {
    const key = `${collection.path} ${nameOrId}`;
    let id = this.ids.get(key);
    if (!id) {
      id = findObject(this.client, collection, nameOrId).then((object) => String(object.id));
      this.ids.set(key, id);
    }
    return id;
  }

  /** The object's name when no other object of the collection has it, else its id. */
  async nameOf(collection: Collection, id: string): Promise<string> {
    let objects = this.lists.get(collection);
    if (!objects) {
      objects = this.client.list(collection);
      this.lists.set(collection, objects);
    }
    const all = await objects;
    const name = all.find((object) => object.id === id)?.name;
    if (typeof name !== 'string' || name === '') return id;
    return all.filter((object) => object.name === name).length === 1 ? name : id;
  }
}

/** Replaces names in the file's trees with ids; each one that names nothing (or several things) is an issue. */
export async function resolveNames(file: DesiredFile, lookups: NameLookups): Promise<void> {
  const issues: ConfigIssue[] = [];
  const resolve = async (collection: Collection, value: unknown, path: KeyPath): Promise<unknown> => {
    try {
      return await lookups.idOf(collection, String(value));
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      issues.push(file.locate(path, error.message));
      return value;
    }
  };
  const visit = async (node: TreeNode): Promise<void> => {
    for (const { field, collection, itemKey } of KIND_RULES[node.kind].lookups) {
      const value = node.fields[field];
      if (value == null) continue;
      const at = [...node.path!, field];
      if (itemKey === undefined) {
        node.fields[field] = await resolve(collection, value, at);
        continue;
      }
      const items = value as Json[];
      for (const [i, item] of items.entries())
        items[i] = { ...item, [itemKey]: await resolve(collection, item[itemKey], [...at, i, itemKey]) };
    }
    for (const child of node.children) await visit(child);
  };
  for (const lb of file.loadbalancers) await visit(lb);
  if (issues.length > 0) throw new ConfigError(issues);
}
