import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { StoredObject } from '../../../store/state-store.ts';
import { parseWrapped } from '../../validation.ts';
import { listScope, requestUrl } from '../collection.ts';
import type { OctaviaApiDeps, QuotaLimits } from '../deps.ts';
import { applyListQuery, type Query } from '../list-query.ts';
import { effectiveQuota } from '../quota-check.ts';
import { Nullable } from '../schemas/fields.ts';

const Limit = Type.Optional(Nullable(Type.Integer({ minimum: -1, maximum: 2147483647 })));
const QuotaUpdate = Type.Object(
  {
    load_balancer: Limit,
    loadbalancer: Limit,
    listener: Limit,
    member: Limit,
    pool: Limit,
    health_monitor: Limit,
    healthmonitor: Limit,
    l7policy: Limit,
    l7rule: Limit,
  },
  { additionalProperties: false },
);

/** Octavia's legacy spellings, accepted on input and echoed in lists. */
const LEGACY = { loadbalancer: 'load_balancer', healthmonitor: 'health_monitor' } as const;

export function quotaRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const { store } = deps;

  app.get('/lbaas/quotas', (request) =>
    store.read(async (reader) => {
      // Octavia decides a quota list without looking at ?project_id=, which then only narrows what was allowed.
      const scope = listScope(request.context, undefined);
      const quotas = (await reader.list('quota', scope)).map((q) => ({
        project_id: q.project_id,
        loadbalancer: q.load_balancer ?? null,
        load_balancer: q.load_balancer ?? null,
        listener: q.listener ?? null,
        member: q.member ?? null,
        pool: q.pool ?? null,
        healthmonitor: q.health_monitor ?? null,
        health_monitor: q.health_monitor ?? null,
        l7policy: q.l7policy ?? null,
        l7rule: q.l7rule ?? null,
      }));
      const { items, links } = applyListQuery(quotas, request.query as Query, { baseUrl: requestUrl(request) });
      return { quotas: items, quotas_links: links };
    }),
  );

  app.get('/lbaas/quotas/defaults', (request) => {
    request.context.authorize(request.context.projectId);
    return { quota: deps.quotaDefaults };
  });

  app.get<{ Params: { project: string } }>('/lbaas/quotas/:project/default', (request) => {
    request.context.authorize(request.params.project);
    return { quota: deps.quotaDefaults };
  });

  app.get<{ Params: { project: string } }>('/lbaas/quotas/:project', (request) => {
    request.context.authorize(request.params.project);
    return store.read(async (reader) => ({
      quota: await effectiveQuota(reader, request.params.project, deps.quotaDefaults),
    }));
  });

  app.put<{ Params: { project: string } }>('/lbaas/quotas/:project', async (request, reply) => {
    request.context.authorize(request.params.project);
    const body = parseWrapped(QuotaUpdate, request.body, 'quota', 'quotas');
    const quota = await store.transaction(async (tx) => {
      const projectId = request.params.project;
      const current = (await tx.get('quota', projectId)) ?? { id: projectId, project_id: projectId };
      const updated: StoredObject = { ...current };
      for (const [key, value] of Object.entries(body)) {
        updated[LEGACY[key as keyof typeof LEGACY] ?? key] = value;
      }
      if (await tx.get('quota', projectId)) await tx.update('quota', updated);
      else await tx.insert('quota', updated);
      return effectiveQuota(tx, projectId, deps.quotaDefaults);
    });
    reply.code(202);
    return { quota };
  });

  app.delete<{ Params: { project: string } }>('/lbaas/quotas/:project', async (request, reply) => {
    request.context.authorize(request.params.project);
    await store.transaction((tx) => tx.delete('quota', request.params.project));
    reply.code(202);
  });
}

export const UNLIMITED_QUOTAS: QuotaLimits = {
  load_balancer: -1,
  listener: -1,
  member: -1,
  pool: -1,
  health_monitor: -1,
  l7policy: -1,
  l7rule: -1,
};
