import type { FastifyRequest } from 'fastify';
import type { ObjectFilter, ObjectKind, StoredObject, StoreReader } from '../../store/state-store.ts';
import { applyListQuery, projectFields } from './list-query.ts';
import { renderAll, renderOne } from './views.ts';

type Query = Record<string, string | string[]>;

/** A collection GET: scoped to the caller's project unless admin, rendered, then Octavia's filters and paging. */
export async function listCollection(
  request: FastifyRequest,
  reader: StoreReader,
  kind: ObjectKind,
  collection: string,
  filter: ObjectFilter = {},
): Promise<Record<string, unknown>> {
  const scoped = request.context.isAdmin ? filter : { ...filter, project_id: request.context.projectId };
  const objects = (await reader.list(kind, scoped)).filter((o) => o.provisioning_status !== 'DELETED');
  const views = await renderAll(reader, kind, objects);
  const { items, links } = applyListQuery(views, request.query as Query, {
    baseUrl: requestUrl(request),
    collection,
  });
  return { [collection]: items, [`${collection}_links`]: links };
}

/** A single GET, honouring `?fields=`. */
export async function showObject(
  request: FastifyRequest,
  reader: StoreReader,
  kind: ObjectKind,
  object: StoredObject,
): Promise<Record<string, unknown>> {
  return projectFields(await renderOne(reader, kind, object), request.query as Query);
}

export function requestUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${request.url.split('?')[0]}`;
}
