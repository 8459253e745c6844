import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { MONITOR_TYPES_FOR_POOL } from '../../../model/compatibility.ts';
import type { MonitorType, PoolProtocol } from '../../../model/constants.ts';
import { HTTP_MONITOR_TYPES, healthmonitorDefaults } from '../../../model/field-defaults.ts';
import type { StoredObject } from '../../../store/state-store.ts';
import { badRequest, conflict } from '../../faults.ts';
import { parseWrapped } from '../../validation.ts';
import { readRoutes } from '../collection.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { lockLoadBalancer, setStatus } from '../lb-state-machine.ts';
import { findVisible } from '../lookup.ts';
import { requireSupport, resolveProvider } from '../providers.ts';
import { enforceQuota } from '../quota-check.ts';
import { HealthMonitorCreate, HealthMonitorUpdate } from '../schemas/healthmonitor.ts';
import { now } from '../timestamps.ts';
import { renderOne } from '../views.ts';
import { listenersOf } from './pools.ts';

const ARGUMENT = 'health_monitor_';
const HTTP_FIELDS = ['http_method', 'url_path', 'expected_codes'] as const;
/** The fields a `null` in a PUT puts back to their default (the HTTP ones stay null on other types). */
const RESETTABLE = ['max_retries_down', ...HTTP_FIELDS] as const;

export function healthmonitorRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const { store } = deps;

  readRoutes(app, store, 'healthmonitor', 'healthmonitors', 'healthmonitor');

  app.post('/lbaas/healthmonitors', async (request, reply) => {
    const body = parseWrapped(HealthMonitorCreate, request.body, 'healthmonitor', ARGUMENT);
    const view = await store.transaction(async (tx) => {
      const pool = await findVisible(tx, 'pool', body.pool_id as string, request.context);
      const lb = await findVisible(tx, 'loadbalancer', pool.loadbalancer_id as string, request.context);
      const monitor = newMonitor(body, pool, pool.project_id as string);
      checkMonitor(monitor, body, pool);
      const provider = resolveProvider(deps, lb.provider);
      requireSupport(
        provider,
        provider.capabilities.monitorTypes.includes(monitor.type as MonitorType),
        `Provider does not support ${monitor.type} health monitors.`,
      );
      if ((await tx.count('healthmonitor', { parent_id: pool.id })) > 0) {
        throw conflict('This pool already has a health monitor');
      }
      await enforceQuota(tx, monitor.project_id as string, 'healthmonitor', deps.quotaDefaults);
      await lockLoadBalancer(tx, lb.id, await listenersOf(tx, pool));
      await tx.insert('healthmonitor', monitor);
      return renderOne(tx, 'healthmonitor', monitor);
    });
    reply.code(201);
    return { healthmonitor: view };
  });

  app.put<{ Params: { id: string } }>('/lbaas/healthmonitors/:id', async (request) => {
    const changes = parseWrapped(HealthMonitorUpdate, request.body, 'healthmonitor', ARGUMENT);
    const view = await store.transaction(async (tx) => {
      const current = await findVisible(tx, 'healthmonitor', request.params.id, request.context);
      const pool = (await tx.get('pool', current.pool_id as string))!;
      checkMonitor({ ...current, ...changes }, changes, pool);
      const reset = defaultsForNulls(current.type as MonitorType, changes);
      const updated = { ...current, ...changes, ...reset, provisioning_status: 'PENDING_UPDATE', updated_at: now() };
      await lockLoadBalancer(tx, current.loadbalancer_id as string, await listenersOf(tx, pool));
      await tx.update('healthmonitor', updated);
      return renderOne(tx, 'healthmonitor', updated);
    });
    return { healthmonitor: view };
  });

  app.delete<{ Params: { id: string } }>('/lbaas/healthmonitors/:id', async (request, reply) => {
    await store.transaction(async (tx) => {
      const monitor = await findVisible(tx, 'healthmonitor', request.params.id, request.context);
      const pool = (await tx.get('pool', monitor.pool_id as string))!;
      await lockLoadBalancer(tx, monitor.loadbalancer_id as string, await listenersOf(tx, pool));
      await setStatus(tx, 'healthmonitor', monitor, 'PENDING_DELETE');
    });
    reply.code(204);
  });
}

function newMonitor(body: Record<string, unknown>, pool: StoredObject, projectId: string): StoredObject {
  const { tenant_id: _tenant, ...fields } = body;
  return {
    ...healthmonitorDefaults(body),
    id: randomUUID(),
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    created_at: now(),
    updated_at: null,
    ...fields,
    project_id: projectId,
    pool_id: pool.id,
    loadbalancer_id: pool.loadbalancer_id,
  };
}

/**
 * What a PUT's nulls put back, as Octavia does: the retries down to 3, and on HTTP checks the method, path and
 * expected codes to their defaults (other checks keep them null, as they are created).
 */
function defaultsForNulls(type: MonitorType, changes: Record<string, unknown>): Record<string, unknown> {
  const defaults = healthmonitorDefaults({ type });
  return Object.fromEntries(
    RESETTABLE.filter((field) => changes[field] === null).map((field) => [field, defaults[field]]),
  );
}

/** Octavia's rules beyond the schema: HTTP options only on HTTP checks, types the pool's protocol allows. */
function checkMonitor(monitor: StoredObject, sent: Record<string, unknown>, pool: StoredObject): void {
  const type = monitor.type as MonitorType;
  if (!HTTP_MONITOR_TYPES.includes(type)) {
    for (const field of HTTP_FIELDS) {
      if (sent[field] != null) throw badRequest(`${field} is not a valid option for health monitors of type ${type}`);
    }
  }
  if (monitor.domain_name && monitor.http_version == null) {
    throw badRequest("Validation failure: 'http_version' must be specified when 'domain_name' is provided.");
  }
  if (!MONITOR_TYPES_FOR_POOL[pool.protocol as PoolProtocol].includes(type)) {
    throw badRequest(`Validation failure: The ${type} type is only supported for pools of type UDP/SCTP.`);
  }
}
