import { randomInt, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { SecretVault } from '../../../key-manager/secret-vault.ts';
import { isDatagramProtocol, POOL_PROTOCOLS_FOR_LISTENER } from '../../../model/compatibility.ts';
import type { LbAlgorithm, ListenerProtocol, PersistenceType, PoolProtocol } from '../../../model/constants.ts';
import { poolDefaults } from '../../../model/field-defaults.ts';
import type { StoredObject, StoreReader } from '../../../store/state-store.ts';
import { badRequest, conflict, invalidInput } from '../../faults.ts';
import { parseWrapped } from '../../validation.ts';
import { readRoutes } from '../collection.ts';
import type { OctaviaApiDeps, ProviderInfo } from '../deps.ts';
import { lockLoadBalancer, setStatus } from '../lb-state-machine.ts';
import { refuseChildrenOf } from '../listener-children.ts';
import { findVisible } from '../lookup.ts';
import { checkPoolTlsLists, poolTlsDefaults, withPoolTlsResets } from '../pool-tls.ts';
import { requireSupport, resolveProvider } from '../providers.ts';
import { enforceQuota } from '../quota-check.ts';
import { PoolCreate, PoolUpdate } from '../schemas/pool.ts';
import { now } from '../timestamps.ts';
import { checkTlsReferences } from '../tls-references.ts';
import { renderOne } from '../views.ts';

const ARGUMENT = 'pool_';

export function poolRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const { store } = deps;

  readRoutes(app, store, 'pool', 'pools', 'pool');

  app.post('/lbaas/pools', async (request, reply) => {
    const body = parseWrapped(PoolCreate, request.body, 'pool', ARGUMENT);
    if (body.healthmonitor !== undefined || body.members !== undefined) {
      throw badRequest('Creating a pool with a nested healthmonitor or members is not supported yet.');
    }
    if (!body.listener_id && !body.loadbalancer_id) {
      throw badRequest('Validation failure: Must provide at least one of: loadbalancer_id, listener_id');
    }
    checkPoolTlsLists(body, body.tls_enabled === true);
    const view = await store.transaction(async (tx) => {
      const listener = body.listener_id
        ? await findVisible(tx, 'listener', body.listener_id as string, request.context)
        : undefined;
      const lbId = (body.loadbalancer_id ?? listener?.loadbalancer_id) as string;
      if (listener && listener.loadbalancer_id !== lbId) {
        throw badRequest('Validation failure: the listener and the pool must belong to the same load balancer.');
      }
      const lb = await findVisible(tx, 'loadbalancer', lbId, request.context);
      const pool = newPool(body, lbId, lb.project_id as string, deps.maglevTableSize);
      checkPool(resolveProvider(deps, lb.provider), pool);
      await checkPoolTls(tx, deps.vault, pool);
      if (listener) {
        refuseChildrenOf(listener.protocol);
        checkPoolForListener(listener.protocol as ListenerProtocol, pool.protocol as PoolProtocol);
        if (listener.default_pool_id) throw conflict('This listener already has a default pool');
      }
      await enforceQuota(tx, pool.project_id as string, 'pool', deps.quotaDefaults);
      await lockLoadBalancer(tx, lbId, listener ? [listener.id] : []);
      await tx.insert('pool', pool);
      if (listener) {
        const locked = (await tx.get('listener', listener.id))!;
        await tx.update('listener', { ...locked, default_pool_id: pool.id });
      }
      return renderOne(tx, 'pool', pool);
    });
    reply.code(201);
    return { pool: view };
  });

  app.put<{ Params: { id: string } }>('/lbaas/pools/:id', async (request) => {
    const changes = parseWrapped(PoolUpdate, request.body, 'pool', ARGUMENT);
    checkPoolTlsLists(changes, true);
    const view = await store.transaction(async (tx) => {
      const current = await findVisible(tx, 'pool', request.params.id, request.context);
      const lb = await findVisible(tx, 'loadbalancer', current.loadbalancer_id as string, request.context);
      const updated: StoredObject = {
        ...current,
        ...withPoolTlsResets(changes),
        session_persistence: normalisePersistence(
          'session_persistence' in changes ? changes.session_persistence : current.session_persistence,
        ),
        provisioning_status: 'PENDING_UPDATE',
        updated_at: now(),
      };
      checkPool(resolveProvider(deps, lb.provider), updated);
      await checkPoolTls(tx, deps.vault, updated);
      await lockLoadBalancer(tx, lb.id, await listenersOf(tx, current));
      await tx.update('pool', updated);
      return renderOne(tx, 'pool', updated);
    });
    return { pool: view };
  });

  app.delete<{ Params: { id: string } }>('/lbaas/pools/:id', async (request, reply) => {
    await store.transaction(async (tx) => {
      const pool = await findVisible(tx, 'pool', request.params.id, request.context);
      const policy = (await tx.list('l7policy', { loadbalancer_id: pool.loadbalancer_id as string })).find(
        (p) => p.redirect_pool_id === pool.id && p.provisioning_status !== 'PENDING_DELETE',
      );
      if (policy) throw conflict(`Pool ${pool.id} is in use by L7 policy ${policy.id}`);
      const listenerIds = await listenersOf(tx, pool);
      await lockLoadBalancer(tx, pool.loadbalancer_id as string, listenerIds);
      for (const id of listenerIds) {
        const listener = (await tx.get('listener', id))!;
        await tx.update('listener', { ...listener, default_pool_id: null });
      }
      for (const kind of ['member', 'healthmonitor'] as const) {
        for (const child of await tx.list(kind, { parent_id: pool.id }))
          await setStatus(tx, kind, child, 'PENDING_DELETE');
      }
      await setStatus(tx, 'pool', pool, 'PENDING_DELETE');
    });
    reply.code(204);
  });
}

/** Listeners whose default pool this is: they are locked with the load balancer when the pool changes. */
export async function listenersOf(reader: StoreReader, pool: StoredObject): Promise<string[]> {
  const listeners = await reader.list('listener', { loadbalancer_id: pool.loadbalancer_id as string });
  return listeners.filter((l) => l.default_pool_id === pool.id).map((l) => l.id);
}

function newPool(
  body: Record<string, unknown>,
  loadbalancerId: string,
  projectId: string,
  maglevTableSize: number,
): StoredObject {
  const { healthmonitor: _hm, members: _members, tenant_id: _tenant, listener_id, ...fields } = body;
  return poolTlsDefaults({
    ...poolDefaults(),
    id: randomUUID(),
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    created_at: now(),
    updated_at: null,
    ...fields,
    session_persistence: normalisePersistence(fields.session_persistence),
    project_id: projectId,
    loadbalancer_id: loadbalancerId,
    listener_id: listener_id ?? null,
    // Fixed for the pool's life, so every node builds the same Maglev table for it (views.ts hides them).
    maglev_table_size: maglevTableSize,
    maglev_seed: randomInt(0, 2 ** 32),
  });
}

function normalisePersistence(value: unknown): Record<string, unknown> | null {
  if (!value || typeof value !== 'object') return null;
  return { cookie_name: null, persistence_timeout: null, persistence_granularity: null, ...value };
}

export function checkPoolForListener(listenerProtocol: ListenerProtocol, poolProtocol: PoolProtocol): void {
  if (!POOL_PROTOCOLS_FOR_LISTENER[listenerProtocol].includes(poolProtocol)) {
    throw badRequest(
      `Validation failure: The pool protocol '${poolProtocol}' is invalid while the listener protocol is '${listenerProtocol}'.`,
    );
  }
}

/** A cookie name as Octavia takes it: an RFC 6265 token (no controls, spaces or separators). */
const COOKIE_NAME = /^[!#-'*+\-.0-9A-Z^-z|~\x80-\xff]+$/;

/** Session persistence rules and provider support, for create and update alike. */
const checkPoolTls = (reader: StoreReader, vault: SecretVault, pool: StoredObject) =>
  checkTlsReferences(
    reader,
    vault,
    pool,
    { certificates: [pool.tls_container_ref], ca: pool.ca_tls_container_ref, crl: pool.crl_container_ref },
    'A CA certificate reference is required to specify a revocation list.',
  );

function checkPool(provider: ProviderInfo, pool: StoredObject): void {
  const protocol = pool.protocol as PoolProtocol;
  const algorithm = pool.lb_algorithm as LbAlgorithm;
  requireSupport(
    provider,
    provider.capabilities.poolProtocols.includes(protocol),
    `Pool protocol ${protocol} is not supported.`,
  );
  requireSupport(
    provider,
    provider.capabilities.algorithms.includes(algorithm),
    `Provider does not support ${algorithm} algorithm.`,
  );
  const persistence = pool.session_persistence as Record<string, unknown> | null;
  if (!persistence) return;
  const type = persistence.type as PersistenceType;
  if (type === 'APP_COOKIE' && !persistence.cookie_name) {
    throw badRequest(
      'Validation failure: Field "cookie_name" must be specified when using the "APP_COOKIE" session persistence type.',
    );
  }
  if (type !== 'APP_COOKIE' && persistence.cookie_name) {
    throw badRequest(
      'Validation failure: Field "cookie_name" can only be specified with session persistence of type "APP_COOKIE".',
    );
  }
  if (typeof persistence.cookie_name === 'string' && !COOKIE_NAME.test(persistence.cookie_name)) {
    throw badRequest('Validation failure: Supplied "cookie_name" is invalid.');
  }
  // A netmask written as an address, parsed strictly as Octavia's IPAddressType does (no `255.255.0`).
  const granularity = persistence.persistence_granularity;
  if (granularity != null && isIP(String(granularity)) === 0) {
    throw invalidInput('persistence_granularity', granularity, 'Value should be IPv4 or IPv6 format');
  }
  const datagram = isDatagramProtocol(protocol);
  if (!datagram && (persistence.persistence_timeout != null || persistence.persistence_granularity != null)) {
    throw badRequest(
      'Validation failure: persistence_timeout and persistence_granularity is only for UDP and SCTP protocol pools.',
    );
  }
  if (datagram && type !== 'SOURCE_IP') {
    throw badRequest(
      `Validation failure: Session persistence of type ${type} is not supported for ${protocol} protocol pools.`,
    );
  }
  requireSupport(
    provider,
    provider.capabilities.persistenceTypes.includes(type),
    `Provider does not support ${type} session persistence.`,
  );
}
