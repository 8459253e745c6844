import type { FastifyInstance, FastifyRequest } from 'fastify';
import { nameBasedUuid } from '../../../network/stable-id.ts';
import type { StoredObject, StoreReader } from '../../../store/state-store.ts';
import { conflict, notFound } from '../../faults.ts';
import { requestUrl } from '../collection.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { requireLoadBalancerState, setStatus } from '../lb-state-machine.ts';
import { applyListQuery, projectFields, type Query } from '../list-query.ts';
import { sumCounters } from './stats.ts';

/**
 * Octavia's admin view of the VMs that carry load balancers. weir has no VMs: each node carrying a load balancer
 * shows as one STANDALONE amphora of it, with a stable id derived from the node and the load balancer.
 */
export function amphoraRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const { store } = deps;

  const amphorae = async (reader: StoreReader) => {
    const lbs = (await reader.list('loadbalancer')).filter((lb) => lb.provisioning_status !== 'PENDING_DELETE');
    return deps.runtime.nodes().flatMap((node) => lbs.map((lb) => amphoraOf(node, lb)));
  };
  const find = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const amphora = (await store.read(amphorae)).find((a) => a.id === request.params.id);
    if (!amphora) throw notFound(`Amphora ${request.params.id} not found.`);
    // Octavia looks an amphora up before it asks the policy: an unknown id is 404 to everyone.
    request.context.authorize(request.context.projectId);
    return amphora;
  };

  app.get('/octavia/amphorae', async (request) => {
    request.context.authorize(request.context.projectId);
    const all = await store.read(amphorae);
    const { items, links } = applyListQuery(all, request.query as Query, { baseUrl: requestUrl(request) });
    return { amphorae: items, amphorae_links: links };
  });

  app.get<{ Params: { id: string } }>('/octavia/amphorae/:id', async (request) => ({
    amphora: projectFields(await find(request), (request.query as Query).fields),
  }));

  app.get<{ Params: { id: string } }>('/octavia/amphorae/:id/stats', async (request) => {
    const amphora = await find(request);
    const listeners = await deps.runtime.listenerStats(amphora.loadbalancer_id);
    return {
      amphora_stats: [...listeners].map(([listenerId, counters]) => ({
        id: amphora.id,
        loadbalancer_id: amphora.loadbalancer_id,
        listener_id: listenerId,
        ...sumCounters([counters]),
      })),
    };
  });

  app.put<{ Params: { id: string } }>('/octavia/amphorae/:id/failover', async (request, reply) => {
    const amphora = await find(request);
    await store.transaction(async (tx) => {
      const lb = (await tx.get('loadbalancer', amphora.loadbalancer_id))!;
      requireLoadBalancerState(lb, ['ACTIVE', 'ERROR']);
      await setStatus(tx, 'loadbalancer', lb, 'PENDING_UPDATE');
    });
    reply.code(202);
  });

  // Octavia deletes only spare or failed amphorae; weir's always carry their load balancer.
  app.delete<{ Params: { id: string } }>('/octavia/amphorae/:id', async (request) => {
    const amphora = await find(request);
    throw conflict(`amphora ${amphora.id} is immutable and cannot be updated.`);
  });

  app.put<{ Params: { id: string } }>('/octavia/amphorae/:id/config', async (request, reply) => {
    await find(request);
    reply.code(202);
  });
}

/** Fixed namespace of amphora ids, so an amphora keeps its id across restarts. */
const AMPHORA_NAMESPACE = 'a3f6f2f0-5a43-4c1e-9d55-8e1f2b7c9d10';

function amphoraOf(node: { id: string; address: string }, lb: StoredObject) {
  return {
    id: nameBasedUuid(AMPHORA_NAMESPACE, `${node.id}/${lb.id}`),
    loadbalancer_id: lb.id,
    compute_id: node.id,
    lb_network_ip: node.address,
    vrrp_ip: lb.vip_address,
    ha_ip: lb.vip_address,
    vrrp_port_id: null,
    ha_port_id: lb.vip_port_id,
    cert_expiration: null,
    cert_busy: false,
    role: 'STANDALONE',
    status: 'ALLOCATED',
    vrrp_interface: null,
    vrrp_id: null,
    vrrp_priority: null,
    cached_zone: null,
    created_at: lb.created_at,
    updated_at: lb.updated_at,
    image_id: null,
    compute_flavor: null,
  };
}
