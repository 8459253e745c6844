import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { INVALID_URL_CHAR } from '../../../l7/redirect-url.ts';
import type { ListenerProtocol, PoolProtocol } from '../../../model/constants.ts';
import { l7policyDefaults, URL_REDIRECT_ACTIONS } from '../../../model/field-defaults.ts';
import type { StoredObject, StoreWriter } from '../../../store/state-store.ts';
import { badRequest, invalidInput, notFound } from '../../faults.ts';
import { parseWrapped } from '../../validation.ts';
import { readRoutes } from '../collection.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { lockLoadBalancer, setStatus } from '../lb-state-machine.ts';
import { refuseChildrenOf } from '../listener-children.ts';
import { findVisible } from '../lookup.ts';
import { requireSupport, resolveProvider } from '../providers.ts';
import { enforceQuota } from '../quota-check.ts';
import { L7PolicyCreate, L7PolicyUpdate } from '../schemas/l7policy.ts';
import { now } from '../timestamps.ts';
import { renderOne } from '../views.ts';
import { checkPoolForListener } from './pools.ts';

const ARGUMENT = 'l7policy_';
const L7_LISTENER_PROTOCOLS = new Set(['HTTP', 'TERMINATED_HTTPS']);

export function l7policyRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const { store } = deps;

  readRoutes(app, store, 'l7policy', 'l7policies', 'l7policy');

  app.post('/lbaas/l7policies', async (request, reply) => {
    const body = parseWrapped(L7PolicyCreate, request.body, 'l7policy', ARGUMENT);
    if (body.rules !== undefined) throw badRequest('Creating an L7 policy with nested rules is not supported yet.');
    const view = await store.transaction(async (tx) => {
      const listener = await findVisible(tx, 'listener', body.listener_id as string, request.context);
      const lb = await findVisible(tx, 'loadbalancer', listener.loadbalancer_id as string, request.context);
      refuseChildrenOf(listener.protocol);
      const provider = resolveProvider(deps, lb.provider);
      requireSupport(provider, provider.capabilities.l7Policies, 'Provider does not support L7 policies.');
      if (!L7_LISTENER_PROTOCOLS.has(listener.protocol as string)) {
        throw badRequest(
          `Validation failure: L7 policies are only supported on HTTP and TERMINATED_HTTPS listeners, not ${listener.protocol}.`,
        );
      }
      const policy = newPolicy(body, listener, listener.project_id as string);
      await checkPolicy(tx, policy);
      await enforceQuota(tx, policy.project_id as string, 'l7policy', deps.quotaDefaults);
      await lockLoadBalancer(tx, lb.id, [listener.id]);
      await tx.insert('l7policy', policy);
      const placed = await placeAt(tx, listener.id, policy.id, body.position as number | undefined);
      return renderOne(tx, 'l7policy', placed);
    });
    reply.code(201);
    return { l7policy: view };
  });

  app.put<{ Params: { id: string } }>('/lbaas/l7policies/:id', async (request) => {
    const changes = parseWrapped(L7PolicyUpdate, request.body, 'l7policy', ARGUMENT);
    const view = await store.transaction(async (tx) => {
      const current = await findVisible(tx, 'l7policy', request.params.id, request.context);
      const updated = redirectDefaults({
        ...current,
        ...changes,
        provisioning_status: 'PENDING_UPDATE',
        updated_at: now(),
      });
      await checkPolicy(tx, updated);
      await lockLoadBalancer(tx, current.loadbalancer_id as string, [current.listener_id as string]);
      await tx.update('l7policy', updated);
      const placed = await placeAt(
        tx,
        current.listener_id as string,
        current.id,
        changes.position as number | undefined,
      );
      return renderOne(tx, 'l7policy', placed);
    });
    return { l7policy: view };
  });

  app.delete<{ Params: { id: string } }>('/lbaas/l7policies/:id', async (request, reply) => {
    await store.transaction(async (tx) => {
      const policy = await findVisible(tx, 'l7policy', request.params.id, request.context);
      await lockLoadBalancer(tx, policy.loadbalancer_id as string, [policy.listener_id as string]);
      for (const rule of await tx.list('l7rule', { parent_id: policy.id }))
        await setStatus(tx, 'l7rule', rule, 'PENDING_DELETE');
      await setStatus(tx, 'l7policy', policy, 'PENDING_DELETE');
    });
    reply.code(204);
  });
}

function newPolicy(body: Record<string, unknown>, listener: StoredObject, projectId: string): StoredObject {
  const { tenant_id: _tenant, rules: _rules, position: _position, ...fields } = body;
  return redirectDefaults({
    ...l7policyDefaults(fields),
    id: randomUUID(),
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    position: Number.MAX_SAFE_INTEGER,
    created_at: now(),
    updated_at: null,
    ...fields,
    project_id: projectId,
    listener_id: listener.id,
    loadbalancer_id: listener.loadbalancer_id,
  });
}

/** Only the target of the policy's action is kept; URL redirects default to 302 as in Octavia. */
function redirectDefaults(policy: StoredObject): StoredObject {
  const action = policy.action;
  const redirects = URL_REDIRECT_ACTIONS.includes(action as string);
  return {
    ...policy,
    redirect_pool_id: action === 'REDIRECT_TO_POOL' ? policy.redirect_pool_id : null,
    redirect_url: action === 'REDIRECT_TO_URL' ? policy.redirect_url : null,
    redirect_prefix: action === 'REDIRECT_PREFIX' ? policy.redirect_prefix : null,
    redirect_http_code: redirects ? (policy.redirect_http_code ?? l7policyDefaults(policy).redirect_http_code) : null,
  };
}

async function checkPolicy(tx: StoreWriter, policy: StoredObject): Promise<void> {
  switch (policy.action) {
    case 'REDIRECT_TO_URL':
      if (!policy.redirect_url) throw badRequest('Invalid L7 Policy arguments: redirect_url must not be None');
      requireUrl('redirect_url', policy.redirect_url);
      break;
    case 'REDIRECT_PREFIX':
      if (!policy.redirect_prefix) throw badRequest('Invalid L7 Policy arguments: redirect_prefix must not be None');
      requireUrl('redirect_prefix', policy.redirect_prefix);
      break;
    case 'REDIRECT_TO_POOL': {
      if (!policy.redirect_pool_id) {
        throw badRequest('Invalid L7 Policy arguments: redirect_pool_id or redirect_pool must not be None');
      }
      const pool = await tx.get('pool', policy.redirect_pool_id as string);
      if (!pool || pool.loadbalancer_id !== policy.loadbalancer_id || pool.provisioning_status === 'PENDING_DELETE') {
        throw notFound(`Pool ${policy.redirect_pool_id} not found.`);
      }
      // As for a listener's default pool: an HTTP listener cannot send its requests to a TCP pool.
      const listener = (await tx.get('listener', policy.listener_id as string))!;
      checkPoolForListener(listener.protocol as ListenerProtocol, pool.protocol as PoolProtocol);
      break;
    }
  }
}

function requireUrl(field: string, value: unknown): void {
  try {
    // new URL() drops tabs and line breaks where Octavia refuses them, and they would reach a Location field.
    if (INVALID_URL_CHAR.test(String(value))) throw new Error('character');
    const url = new URL(String(value));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalidInput(field, value, 'Value must be a valid URL string');
  }
}

/** Positions are 1..n without gaps; a policy put at position p moves the ones from p on down by one. */
async function placeAt(
  tx: StoreWriter,
  listenerId: string,
  policyId: string,
  position?: number,
): Promise<StoredObject> {
  const siblings = (await tx.list('l7policy', { parent_id: listenerId }))
    .filter((p) => p.provisioning_status !== 'PENDING_DELETE')
    .sort((a, b) => (a.position as number) - (b.position as number));
  const moving = siblings.find((p) => p.id === policyId)!;
  const others = siblings.filter((p) => p.id !== policyId);
  const index = Math.min(Math.max((position ?? Number(moving.position)) - 1, 0), others.length);
  others.splice(index, 0, moving);
  let placed = moving;
  for (const [i, policy] of others.entries()) {
    if (policy.position === i + 1) continue;
    const renumbered = { ...policy, position: i + 1 };
    await tx.update('l7policy', renumbered);
    if (policy.id === policyId) placed = renumbered;
  }
  return placed;
}
