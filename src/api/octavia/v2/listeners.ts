import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import ipaddr from 'ipaddr.js';
import type { SecretVault } from '../../../key-manager/secret-vault.ts';
import { INSERT_HEADERS_FOR_LISTENER, TLS_TERMINATING_PROTOCOLS, transportOf } from '../../../model/compatibility.ts';
import type { ListenerProtocol, PoolProtocol } from '../../../model/constants.ts';
import { listenerDefaults, listenerTlsResets } from '../../../model/field-defaults.ts';
import { isStateless, STATELESS_REFUSAL } from '../../../model/stateless.ts';
import type { StoredObject, StoreReader } from '../../../store/state-store.ts';
import { badRequest, conflict, notFound } from '../../faults.ts';
import { parseWrapped, requireCidrs } from '../../validation.ts';
import { readRoutes } from '../collection.ts';
import type { OctaviaApiDeps, ProviderInfo } from '../deps.ts';
import { lockLoadBalancer, setStatus } from '../lb-state-machine.ts';
import { refuseChildrenOf } from '../listener-children.ts';
import { findVisible } from '../lookup.ts';
import { forLoadBalancer, requireSupport, resolveProvider } from '../providers.ts';
import { enforceQuota } from '../quota-check.ts';
import { ListenerCreate, ListenerUpdate } from '../schemas/listener.ts';
import { requireListenerPorts } from '../stateless-forwarding.ts';
import { now } from '../timestamps.ts';
import { checkListenerTlsOptions, requireTlsVersionSupport } from '../tls-options.ts';
import { checkTlsReferences } from '../tls-references.ts';
import { renderOne } from '../views.ts';
import { checkPoolForListener } from './pools.ts';
import { sumCounters } from './stats.ts';

const ARGUMENT = 'listener_';

export function listenerRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const { store } = deps;

  readRoutes(app, store, 'listener', 'listeners', 'listener');

  app.get<{ Params: { id: string } }>('/lbaas/listeners/:id/stats', async (request) => {
    const listener = await store.read((r) => findVisible(r, 'listener', request.params.id, request.context));
    const counters = (await deps.runtime.listenerStats(listener.loadbalancer_id as string)).get(listener.id);
    return { stats: sumCounters(counters ? [counters] : []) };
  });

  app.post('/lbaas/listeners', async (request, reply) => {
    const body = parseWrapped(ListenerCreate, request.body, 'listener', ARGUMENT);
    if (body.default_pool !== undefined || body.l7policies !== undefined) {
      throw badRequest('Creating a listener with nested default_pool or l7policies is not supported yet.');
    }
    const view = await store.transaction(async (tx) => {
      const lb = await findVisible(tx, 'loadbalancer', body.loadbalancer_id as string, request.context);
      const listener = newListener(body, lb, lb.project_id as string);
      const provider = forLoadBalancer(resolveProvider(deps, lb.provider), lb);
      requireSupport(
        provider,
        provider.capabilities.listenerProtocols.includes(listener.protocol as ListenerProtocol),
        `Listener protocol ${listener.protocol} is not supported.`,
      );
      requireConnectionLimitSupport(provider, listener, lb);
      requireTlsVersionSupport(provider, listener);
      await checkListener(tx, listener, lb);
      await checkListenerTls(tx, deps.vault, listener);
      await requireListenerPorts(tx, provider, listener);
      await enforceQuota(tx, listener.project_id as string, 'listener', deps.quotaDefaults);
      await lockLoadBalancer(tx, lb.id);
      await tx.insert('listener', listener);
      return renderOne(tx, 'listener', listener);
    });
    reply.code(201);
    return { listener: view };
  });

  app.put<{ Params: { id: string } }>('/lbaas/listeners/:id', async (request) => {
    const changes = parseWrapped(ListenerUpdate, request.body, 'listener', ARGUMENT);
    const view = await store.transaction(async (tx) => {
      const current = await findVisible(tx, 'listener', request.params.id, request.context);
      const lb = await findVisible(tx, 'loadbalancer', current.loadbalancer_id as string, request.context);
      const resets = { ...listenerDefaults(), ...listenerTlsResets(current.protocol) };
      const updated = { ...current, ...withDefaults(changes, resets), updated_at: now() };
      const provider = forLoadBalancer(resolveProvider(deps, lb.provider), lb);
      requireConnectionLimitSupport(provider, updated, lb);
      requireTlsVersionSupport(provider, updated);
      await checkListener(tx, updated, lb);
      await checkListenerTls(tx, deps.vault, updated);
      await requireListenerPorts(tx, provider, updated);
      await lockLoadBalancer(tx, lb.id, [current.id]);
      await tx.update('listener', { ...updated, provisioning_status: 'PENDING_UPDATE' });
      return renderOne(tx, 'listener', { ...updated, provisioning_status: 'PENDING_UPDATE' });
    });
    return { listener: view };
  });

  app.delete<{ Params: { id: string } }>('/lbaas/listeners/:id', async (request, reply) => {
    await store.transaction(async (tx) => {
      const listener = await findVisible(tx, 'listener', request.params.id, request.context);
      await lockLoadBalancer(tx, listener.loadbalancer_id as string);
      for (const policy of await tx.list('l7policy', { parent_id: listener.id })) {
        for (const rule of await tx.list('l7rule', { parent_id: policy.id })) {
          await setStatus(tx, 'l7rule', rule, 'PENDING_DELETE');
        }
        await setStatus(tx, 'l7policy', policy, 'PENDING_DELETE');
      }
      await setStatus(tx, 'listener', listener, 'PENDING_DELETE');
    });
    reply.code(204);
  });
}

/**
 * The listener fields a `null` puts back to their default, as Octavia does: on create the protocol's default, on
 * update Octavia's value (its TLS defaults even for a listener that does not terminate TLS).
 */
const RESETTABLE = [
  'connection_limit',
  'timeout_client_data',
  'timeout_member_connect',
  'timeout_member_data',
  'timeout_tcp_inspect',
  'client_authentication',
  'insert_headers',
  'sni_container_refs',
  'tls_ciphers',
  'tls_versions',
  'alpn_protocols',
] as const;

function withDefaults(fields: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...fields };
  for (const key of RESETTABLE) if (result[key] === null) result[key] = defaults[key];
  return result;
}

function newListener(body: Record<string, unknown>, lb: StoredObject, projectId: string): StoredObject {
  const { default_pool: _pool, l7policies: _policies, tenant_id: _tenant, ...fields } = body;
  const defaults = listenerDefaults(fields);
  return {
    ...defaults,
    id: randomUUID(),
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    created_at: now(),
    updated_at: null,
    ...withDefaults(fields, defaults),
    project_id: projectId,
    loadbalancer_id: lb.id,
  };
}

/** Everything Octavia checks about a listener beyond its schema, for create and update alike. */
async function checkListener(reader: StoreReader, listener: StoredObject, lb: StoredObject): Promise<void> {
  const protocol = listener.protocol as ListenerProtocol;
  const headers = Object.keys((listener.insert_headers ?? {}) as object);
  if (headers.length > 0) {
    const allowed = INSERT_HEADERS_FOR_LISTENER[protocol];
    if (allowed.length === 0)
      throw badRequest(`insert-headers is not a valid option for a ${protocol} protocol listener.`);
    const unknown = headers.filter((h) => !allowed.includes(h));
    if (unknown.length > 0) {
      throw badRequest(
        `dict_keys([${unknown.map((h) => `'${h}'`).join(', ')}]) is not a valid option for insert_headers`,
      );
    }
  }
  const sni = (listener.sni_container_refs ?? []) as string[];
  if (TLS_TERMINATING_PROTOCOLS.includes(protocol) && !listener.default_tls_container_ref && sni.length === 0) {
    throw badRequest(
      `Validation failure: An SNI or default certificate container reference must be provided for ${protocol} protocol listeners.`,
    );
  }
  checkListenerTlsOptions(listener);
  if (listener.client_ca_tls_container_ref && !listener.default_tls_container_ref && sni.length === 0) {
    throw badRequest(
      'Validation failure: An SNI or default certificate container reference must be provided with a client CA container reference.',
    );
  }
  requireCidrs('allowed_cidrs', listener.allowed_cidrs);
  const vipVersion = ipaddr.parse(lb.vip_address as string).kind();
  for (const cidr of (listener.allowed_cidrs ?? []) as string[]) {
    if (ipaddr.parseCIDR(cidr)[0].kind() !== vipVersion) {
      throw badRequest(
        `Validation failure: CIDR ${cidr} IP version incompatible with VIP ${lb.vip_address} IP version.`,
      );
    }
  }
  const siblings = await reader.list('listener', { loadbalancer_id: lb.id });
  const clash = siblings.find(
    (other) =>
      other.id !== listener.id &&
      other.protocol_port === listener.protocol_port &&
      transportOf(other.protocol as ListenerProtocol) === transportOf(protocol),
  );
  if (clash) {
    throw conflict(
      `Another Listener on this Load Balancer is already using protocol ${clash.protocol} and protocol_port ${clash.protocol_port}`,
    );
  }
  if (typeof listener.default_pool_id === 'string') {
    refuseChildrenOf(protocol);
    const pool = await reader.get('pool', listener.default_pool_id);
    if (!pool || pool.loadbalancer_id !== lb.id) {
      throw notFound(`Pool ${listener.default_pool_id} not found.`);
    }
    checkPoolForListener(protocol, pool.protocol as PoolProtocol);
  }
}

async function checkListenerTls(reader: StoreReader, vault: SecretVault, listener: StoredObject): Promise<void> {
  const clientAuthentication = listener.client_authentication ?? 'NONE';
  if (clientAuthentication !== 'NONE' && !listener.client_ca_tls_container_ref) {
    throw badRequest(
      `Validation failure: Client authentication setting ${clientAuthentication} requires a client CA container reference.`,
    );
  }
  await checkTlsReferences(
    reader,
    vault,
    listener,
    {
      certificates: [listener.default_tls_container_ref, ...((listener.sni_container_refs ?? []) as string[])],
      ca: listener.client_ca_tls_container_ref,
      crl: listener.client_crl_container_ref,
    },
    'A client authentication CA reference is required to specify a client authentication revocation list.',
  );
}

/** A connection_limit the provider cannot enforce (none of a stateless load balancer can) is refused, never ignored. */
function requireConnectionLimitSupport(provider: ProviderInfo, listener: StoredObject, lb: StoredObject): void {
  const limited = typeof listener.connection_limit === 'number' && listener.connection_limit !== -1;
  const why = isStateless(lb.flavor_data) ? ` (${STATELESS_REFUSAL} to count connections by)` : '';
  requireSupport(provider, !limited || provider.capabilities.listenerConnectionLimit, `connection_limit${why}`);
}
