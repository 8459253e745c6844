import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { memberDefaults } from '../../../model/field-defaults.ts';
import type { StoredObject, StoreReader, StoreWriter } from '../../../store/state-store.ts';
import { badRequest, conflict, notFound } from '../../faults.ts';
import type { RequestContext } from '../../request-context.ts';
import { check, parseWrapped } from '../../validation.ts';
import { listCollection, showObject } from '../collection.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { lockLoadBalancer, setStatus } from '../lb-state-machine.ts';
import { findVisible } from '../lookup.ts';
import { admitMember, admitMemberUpdate } from '../member-addresses.ts';
import { enforceQuota } from '../quota-check.ts';
import { MemberCreate, MembersBatch, MemberUpdate } from '../schemas/member.ts';
import { requireMemberSupport } from '../stateless-forwarding.ts';
import { now } from '../timestamps.ts';
import { renderOne } from '../views.ts';
import { listenersOf } from './pools.ts';

const ARGUMENT = 'member_';
type PoolParams = { Params: { poolId: string } };
type MemberParams = { Params: { poolId: string; id: string } };

export function memberRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const { store } = deps;

  app.get<PoolParams>('/lbaas/pools/:poolId/members', (request) =>
    store.read(async (reader) => {
      const pool = await findVisible(reader, 'pool', request.params.poolId, request.context);
      return listCollection(request, reader, 'member', 'members', { parent_id: pool.id });
    }),
  );

  app.get<MemberParams>('/lbaas/pools/:poolId/members/:id', (request) =>
    store.read(async (reader) => {
      const member = await memberOf(reader, request.params, request.context);
      return { member: await showObject(request, reader, 'member', member) };
    }),
  );

  app.post<PoolParams>('/lbaas/pools/:poolId/members', async (request, reply) => {
    const body = admitMember(deps.memberWalls, parseWrapped(MemberCreate, request.body, 'member', ARGUMENT));
    const view = await store.transaction(async (tx) => {
      const pool = await findVisible(tx, 'pool', request.params.poolId, request.context);
      const member = await newMember(tx, pool, body, pool.project_id as string);
      await requireMemberSupport(tx, deps, pool, member);
      await requireUniqueEndpoint(tx, pool.id, member);
      await enforceQuota(tx, member.project_id as string, 'member', deps.quotaDefaults);
      await lockLoadBalancer(tx, pool.loadbalancer_id as string, await listenersOf(tx, pool));
      await tx.insert('member', member);
      return renderOne(tx, 'member', member);
    });
    reply.code(201);
    return { member: view };
  });

  app.put<MemberParams>('/lbaas/pools/:poolId/members/:id', async (request) => {
    const changes = parseWrapped(MemberUpdate, request.body, 'member', ARGUMENT);
    const view = await store.transaction(async (tx) => {
      const member = await memberOf(tx, request.params, request.context);
      const pool = (await tx.get('pool', member.pool_id as string))!;
      await lockLoadBalancer(tx, member.loadbalancer_id as string, await listenersOf(tx, pool));
      const admitted = admitMemberUpdate(deps.memberWalls, member, changes);
      const updated = { ...member, ...admitted, ...defaultsForNulls(changes) };
      await requireMemberSupport(tx, deps, pool, updated);
      return updateMember(tx, updated);
    });
    return { member: view };
  });

  app.delete<MemberParams>('/lbaas/pools/:poolId/members/:id', async (request, reply) => {
    await store.transaction(async (tx) => {
      const member = await memberOf(tx, request.params, request.context);
      const pool = (await tx.get('pool', member.pool_id as string))!;
      await lockLoadBalancer(tx, member.loadbalancer_id as string, await listenersOf(tx, pool));
      await setStatus(tx, 'member', member, 'PENDING_DELETE');
    });
    reply.code(204);
  });

  /** Batch update: the listed members become the pool's members, matched on (address, protocol_port). */
  app.put<PoolParams & { Querystring: { additive_only?: string } }>(
    '/lbaas/pools/:poolId/members',
    async (request, reply) => {
      const additiveOnly = request.query.additive_only?.toLowerCase() === 'true';
      const { members: listed } = check(MembersBatch, request.body, ARGUMENT) as { members: unknown[] };
      const wanted = listed.map((m) => admitMember(deps.memberWalls, check(MemberCreate, m, `${ARGUMENT}.members`)));
      await store.transaction(async (tx) => {
        const pool = await findVisible(tx, 'pool', request.params.poolId, request.context);
        const existing = new Map(
          (await tx.list('member', { parent_id: pool.id }))
            .filter((m) => m.provisioning_status !== 'PENDING_DELETE')
            .map((m) => [endpointKey(m), m]),
        );
        const seen = new Set<string>();
        const created: StoredObject[] = [];
        const updated: StoredObject[] = [];
        for (const body of wanted) {
          const member = await newMember(tx, pool, body, pool.project_id as string);
          await requireMemberSupport(tx, deps, pool, member);
          const key = endpointKey(member);
          if (seen.has(key)) {
            throw badRequest(`Member ${member.address}:${member.protocol_port} is listed more than once.`);
          }
          seen.add(key);
          const current = existing.get(key);
          if (current) {
            const { id: _id, created_at: _created, operating_status: _status, ...fields } = member;
            updated.push({ ...current, ...fields, ...pick(body, ['name', 'tags']) });
          } else created.push(member);
        }
        const removed = additiveOnly ? [] : [...existing.values()].filter((m) => !seen.has(endpointKey(m)));
        if (created.length > 0) {
          await enforceQuota(
            tx,
            pool.project_id as string,
            'member',
            deps.quotaDefaults,
            created.length - removed.length,
          );
        }
        await lockLoadBalancer(tx, pool.loadbalancer_id as string, await listenersOf(tx, pool));
        for (const member of created) await tx.insert('member', member);
        for (const member of updated) await updateMember(tx, member);
        for (const member of removed) await setStatus(tx, 'member', member, 'PENDING_DELETE');
      });
      reply.code(202);
    },
  );
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in source).map((k) => [k, source[k]]));
}

const endpointKey = (member: StoredObject): string => `${member.address}|${member.protocol_port}`;

async function memberOf(
  reader: StoreReader,
  params: { poolId: string; id: string },
  context: RequestContext,
): Promise<StoredObject> {
  await findVisible(reader, 'pool', params.poolId, context);
  const member = await findVisible(reader, 'member', params.id, context);
  if (member.pool_id !== params.poolId) throw notFound(`Member ${params.id} not found.`);
  return member;
}

async function updateMember(tx: StoreWriter, member: StoredObject) {
  const updated = { ...member, provisioning_status: 'PENDING_UPDATE', updated_at: now() };
  await tx.update('member', updated);
  return renderOne(tx, 'member', updated);
}

async function requireUniqueEndpoint(reader: StoreReader, poolId: string, member: StoredObject): Promise<void> {
  const siblings = await reader.list('member', { parent_id: poolId });
  if (siblings.some((m) => endpointKey(m) === endpointKey(member) && m.provisioning_status !== 'PENDING_DELETE')) {
    throw conflict(
      `Another member on this pool is already using ip ${member.address} on protocol_port ${member.protocol_port}`,
    );
  }
}

/** Octavia puts a member's weight and backup back to their defaults when a PUT sends them as null. */
function defaultsForNulls(changes: Record<string, unknown>): Record<string, unknown> {
  const { weight, backup } = memberDefaults();
  const defaults: Record<string, unknown> = {};
  if (changes.weight === null) defaults.weight = weight;
  if (changes.backup === null) defaults.backup = backup;
  return defaults;
}

async function newMember(
  reader: StoreReader,
  pool: StoredObject,
  body: Record<string, unknown>,
  projectId: string,
): Promise<StoredObject> {
  const { tenant_id: _tenant, ...fields } = body;
  const monitored = (await reader.count('healthmonitor', { parent_id: pool.id })) > 0;
  return {
    ...memberDefaults(),
    id: randomUUID(),
    operating_status: monitored ? 'OFFLINE' : 'NO_MONITOR',
    provisioning_status: 'PENDING_CREATE',
    created_at: now(),
    updated_at: null,
    ...fields,
    weight: fields.weight ?? memberDefaults().weight,
    project_id: projectId,
    pool_id: pool.id,
    loadbalancer_id: pool.loadbalancer_id,
  };
}
