import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import type { ObjectKind, StoredObject, StoreReader } from '../../../store/state-store.ts';
import { conflict, notFound } from '../../faults.ts';
import { parseWrapped } from '../../validation.ts';
import { listCollection } from '../collection.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { projectFields, type Query } from '../list-query.ts';

/**
 * Flavors, availability zones and their profiles: operator-made catalogue entries, global rather than per project,
 * with no provisioning status. They differ only in names, schemas and what they check, so one set of handlers serves
 * all four.
 */
export interface CatalogResource {
  kind: ObjectKind;
  collection: string;
  /** Octavia names the profiles' links in the singular: `flavorprofile_links`. */
  linksKey: string;
  wrapper: string;
  argument: string;
  /** 'name' for availability zones, which Octavia keys by name. */
  key: 'id' | 'name';
  /** Flavors and availability zones have unique names; profiles, as in Octavia, do not. */
  uniqueName: boolean;
  notFoundLabel: string;
  create: TSchema;
  update: TSchema;
  defaults: Record<string, unknown>;
  /** Checks beyond the schema (references, provider capabilities); throws a Fault. */
  validate(reader: StoreReader, object: StoredObject, deps: OctaviaApiDeps): Promise<void>;
  /** Who uses an entry; a used entry can be neither deleted nor have its references changed. */
  inUse(reader: StoreReader, object: StoredObject): Promise<boolean>;
  inUseLabel: string;
}

export function catalogRoutes(app: FastifyInstance, deps: OctaviaApiDeps, resource: CatalogResource): void {
  const { store } = deps;
  const path = `/lbaas/${resource.collection.replaceAll('_', '')}`;
  const find = async (reader: StoreReader, key: string) => {
    const object = await reader.get(resource.kind, key);
    if (!object) throw notFound(`${resource.notFoundLabel} ${key} not found.`);
    return object;
  };
  const view = (object: StoredObject, query: unknown) => {
    const { id, ...rest } = object;
    const shown = resource.key === 'name' ? rest : object;
    return projectFields(shown, (query as Query).fields);
  };

  app.get(path, (request) =>
    store.read(async (reader) => {
      const listed = await listCollection(request, reader, resource.kind, resource.collection);
      if (resource.key === 'name') {
        listed[resource.collection] = (listed[resource.collection] as StoredObject[]).map(
          ({ id: _id, ...rest }) => rest,
        );
      }
      return listed;
    }),
  );

  app.get<{ Params: { key: string } }>(`${path}/:key`, (request) =>
    store.read(async (reader) => ({
      [resource.wrapper]: view(await find(reader, request.params.key), request.query),
    })),
  );

  app.post(path, async (request, reply) => {
    const body = parseWrapped(resource.create, request.body, resource.wrapper, resource.argument);
    const created = await store.transaction(async (tx) => {
      const object: StoredObject = { ...resource.defaults, ...body, id: randomUUID() } as StoredObject;
      if (resource.key === 'name') object.id = object.name as string;
      await requireUniqueName(tx, resource, object);
      await resource.validate(tx, object, deps);
      await tx.insert(resource.kind, object);
      return object;
    });
    reply.code(201);
    return { [resource.wrapper]: view(created, {}) };
  });

  app.put<{ Params: { key: string } }>(`${path}/:key`, async (request) => {
    const changes = parseWrapped(resource.update, request.body, resource.wrapper, resource.argument);
    const updated = await store.transaction(async (tx) => {
      const current = await find(tx, request.params.key);
      const object = { ...current, ...changes };
      await requireUniqueName(tx, resource, object, current.id);
      await resource.validate(tx, object, deps);
      await tx.update(resource.kind, object);
      return object;
    });
    return { [resource.wrapper]: view(updated, {}) };
  });

  app.delete<{ Params: { key: string } }>(`${path}/:key`, async (request, reply) => {
    await store.transaction(async (tx) => {
      const object = await find(tx, request.params.key);
      if (await resource.inUse(tx, object)) {
        throw conflict(`${resource.inUseLabel} ${request.params.key} is in use and cannot be modified.`);
      }
      await tx.delete(resource.kind, object.id);
    });
    reply.code(204);
  });
}

/** `updating`: the id of the entry being changed, which may keep its own name. */
async function requireUniqueName(
  reader: StoreReader,
  resource: CatalogResource,
  object: StoredObject,
  updating?: string,
): Promise<void> {
  if (!resource.uniqueName) return;
  const duplicate = (await reader.list(resource.kind)).some((o) => o.name === object.name && o.id !== updating);
  if (duplicate) throw conflict(`A ${resource.notFoundLabel.toLowerCase()} of ${object.name} already exists.`);
}
