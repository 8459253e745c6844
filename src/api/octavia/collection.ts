import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ObjectFilter, ObjectKind, StateStore, StoredObject, StoreReader } from '../../store/state-store.ts';
import { forbidden } from '../faults.ts';
import { GLOBAL_LIST_RESOURCES } from '../policy/route-actions.ts';
import type { RequestContext } from '../request-context.ts';
import { applyListQuery, projectFields, type Query } from './list-query.ts';
import { findVisible } from './lookup.ts';
import { PRIVATE_FIELDS, renderAll, renderOne } from './views.ts';

/** A collection GET: scoped as the policy allows (listScope), rendered, then Octavia's filters and paging. */
export async function listCollection(
  request: FastifyRequest,
  reader: StoreReader,
  kind: ObjectKind,
  collection: string,
  filter: ObjectFilter = {},
): Promise<Record<string, unknown>> {
  const scoped = { ...filter, ...listScope(request.context, (request.query as Query).project_id) };
  const objects = (await reader.list(kind, scoped)).filter((o) => o.provisioning_status !== 'DELETED');
  const views = await renderAll(reader, kind, objects);
  const stored = new Map(objects.map((o) => [o.id, o]));
  const { items, links } = applyListQuery(views, request.query as Query, {
    baseUrl: requestUrl(request),
    filterable: objects.length > 0 ? filterableAttributes(kind, objects, views) : undefined,
    attributeValue: (view, attribute) => (attribute in view ? view[attribute] : stored.get(view.id)?.[attribute]),
  });
  return { [collection]: items, [`${collection}_links`]: links };
}

/**
 * Which projects a list may show, decided as Octavia decides it: an administrator or global observer sees every
 * project (or the one asked for with `?project_id=`); anyone else only a project the policy lets them read, their
 * own by default. Lists below a parent (members, L7 rules) were decided on the parent, and catalogue lists on
 * the caller's project, so they are not narrowed.
 */
export function listScope(context: RequestContext, requested: unknown): { project_id?: string } {
  const action = context.action;
  if (action === null || !GLOBAL_LIST_RESOURCES.has(action.split(':')[0]!)) return {};
  const asked = typeof requested === 'string' && requested !== '' ? requested : undefined;
  if (context.allows(`${action}-global`, asked ?? null)) return asked ? { project_id: asked } : {};
  const project = asked ?? context.projectId;
  if (project === null) throw forbidden();
  context.authorize(project);
  return { project_id: project };
}

/** A single GET, honouring `?fields=`. */
export async function showObject(
  request: FastifyRequest,
  reader: StoreReader,
  kind: ObjectKind,
  object: StoredObject,
): Promise<Record<string, unknown>> {
  return projectFields(await renderOne(reader, kind, object), (request.query as Query).fields);
}

/** Scalar attributes, rendered or kept as links (a pool's loadbalancer_id): what a list may filter and sort on. */
function filterableAttributes(
  kind: ObjectKind,
  objects: readonly StoredObject[],
  views: readonly StoredObject[],
): Set<string> {
  const attributes = new Set<string>();
  for (const item of [...objects, ...views]) {
    for (const [key, value] of Object.entries(item))
      if (value === null || typeof value !== 'object') attributes.add(key);
  }
  attributes.delete('tenant_id');
  for (const field of PRIVATE_FIELDS[kind] ?? []) attributes.delete(field);
  return attributes;
}

export function requestUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${request.url.split('?')[0]}`;
}

/** GET of a top-level collection and of one of its objects: the same for every provisioned resource. */
export function readRoutes(
  app: FastifyInstance,
  store: StateStore,
  kind: ObjectKind,
  collection: string,
  wrapper: string,
): void {
  app.get(`/lbaas/${collection}`, (request) =>
    store.read((reader) => listCollection(request, reader, kind, collection)),
  );
  app.get<{ Params: { id: string } }>(`/lbaas/${collection}/:id`, (request) =>
    store.read(async (reader) => {
      const object = await findVisible(reader, kind, request.params.id, request.context);
      return { [wrapper]: await showObject(request, reader, kind, object) };
    }),
  );
}
