import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { NamePublishing } from '../../../dataplanes/driver.ts';
import { loadbalancerDefaults } from '../../../model/field-defaults.ts';
import type { Subnet } from '../../../network/subnet.ts';
import { allocateVip } from '../../../network/vip-allocator.ts';
import { loadTree, TREE_KINDS } from '../../../store/load-balancer-tree.ts';
import type { StoredObject, StoreReader, StoreWriter } from '../../../store/state-store.ts';
import { subnetsVisibleTo } from '../../../tenancy/subnet-visibility.ts';
import { badRequest } from '../../faults.ts';
import type { RequestContext } from '../../request-context.ts';
import { parseWrapped } from '../../validation.ts';
import { readRoutes } from '../collection.ts';
import type { OctaviaApiDeps } from '../deps.ts';
import { requireLoadBalancerState, setStatus } from '../lb-state-machine.ts';
import { findVisible, owningProject } from '../lookup.ts';
import { resolveProvider } from '../providers.ts';
import { checkPublishedName } from '../published-name.ts';
import { enforceQuota } from '../quota-check.ts';
import { LoadBalancerCreate, LoadBalancerUpdate } from '../schemas/loadbalancer.ts';
import { now } from '../timestamps.ts';
import { renderOne } from '../views.ts';
import { sumCounters } from './stats.ts';
import { buildStatusTree } from './status-tree.ts';

export function loadbalancerRoutes(app: FastifyInstance, deps: OctaviaApiDeps): void {
  const { store } = deps;

  readRoutes(app, store, 'loadbalancer', 'loadbalancers', 'loadbalancer');

  app.post('/lbaas/loadbalancers', async (request, reply) => {
    const body = parseWrapped(LoadBalancerCreate, request.body, 'loadbalancer', 'load_balancer');
    if (body.listeners !== undefined || body.pools !== undefined) {
      throw badRequest('Single-call creation of a load balancer with listeners or pools is not supported yet.');
    }
    const lb = await store.transaction(async (tx) => {
      const visible = { ...deps, subnets: subnetsVisibleTo(deps.subnets, request.context) };
      const created = await newLoadBalancer(tx, visible, request.context, body);
      await tx.insert('loadbalancer', created);
      return renderOne(tx, 'loadbalancer', created);
    });
    reply.code(201);
    return { loadbalancer: lb };
  });

  app.put<{ Params: { id: string } }>('/lbaas/loadbalancers/:id', async (request) => {
    const changes = parseWrapped(LoadBalancerUpdate, request.body, 'loadbalancer', 'load_balancer');
    const lb = await store.transaction(async (tx) => {
      const current = await findVisible(tx, 'loadbalancer', request.params.id, request.context);
      requireLoadBalancerState(current, ['ACTIVE']);
      // A provider this node cannot run publishes nothing here, and renaming its load balancers stays possible.
      const provider = deps.providers.find((p) => p.name === current.provider);
      if (changes.name !== undefined && provider !== undefined) {
        const projectId = String(current.project_id);
        await checkPublishedName(tx, deps, provider, { id: current.id, name: changes.name, projectId });
      }
      const updated = { ...current, ...changes, provisioning_status: 'PENDING_UPDATE', updated_at: now() };
      await tx.update('loadbalancer', updated);
      return renderOne(tx, 'loadbalancer', updated);
    });
    return { loadbalancer: lb };
  });

  app.delete<{ Params: { id: string }; Querystring: { cascade?: string } }>(
    '/lbaas/loadbalancers/:id',
    async (request, reply) => {
      const cascade = request.query.cascade?.toLowerCase() === 'true';
      await store.transaction(async (tx) => {
        const lb = await findVisible(tx, 'loadbalancer', request.params.id, request.context);
        requireLoadBalancerState(lb, ['ACTIVE', 'ERROR']);
        const tree = (await loadTree(tx, lb.id))!;
        if (!cascade && tree.listeners.length + tree.pools.length > 0) {
          throw badRequest(`Validation failure: Cannot delete Load Balancer ${lb.id} - it has children`);
        }
        for (const [kind, field] of TREE_KINDS) {
          for (const child of tree[field]) await setStatus(tx, kind, child, 'PENDING_DELETE');
        }
        await setStatus(tx, 'loadbalancer', lb, 'PENDING_DELETE');
      });
      reply.code(204);
    },
  );

  app.get<{ Params: { id: string } }>('/lbaas/loadbalancers/:id/status', (request) =>
    store.read(async (reader) => {
      const lb = await findVisible(reader, 'loadbalancer', request.params.id, request.context);
      const provider = deps.providers.find((p) => p.name === lb.provider);
      return { statuses: { loadbalancer: await buildStatusTree(reader, lb, provider?.capabilities.clientAddress) } };
    }),
  );

  app.get<{ Params: { id: string } }>('/lbaas/loadbalancers/:id/stats', async (request) => {
    const lb = await store.read((reader) => findVisible(reader, 'loadbalancer', request.params.id, request.context));
    return { stats: sumCounters([...(await deps.runtime.listenerStats(lb.id)).values()]) };
  });

  app.put<{ Params: { id: string } }>('/lbaas/loadbalancers/:id/failover', async (request, reply) => {
    await store.transaction(async (tx) => {
      const lb = await findVisible(tx, 'loadbalancer', request.params.id, request.context);
      requireLoadBalancerState(lb, ['ACTIVE', 'ERROR']);
      await setStatus(tx, 'loadbalancer', lb, 'PENDING_UPDATE');
    });
    reply.code(202);
  });
}

async function newLoadBalancer(
  tx: StoreWriter,
  deps: OctaviaApiDeps,
  context: RequestContext,
  body: Record<string, unknown>,
): Promise<StoredObject> {
  const projectId = owningProject(context, body);
  context.authorize(projectId);
  const provider = resolveProvider(deps, body.provider);
  await enforceQuota(tx, projectId, 'loadbalancer', deps.quotaDefaults);
  const flavorData = await checkFlavor(tx, body.flavor_id, provider.driver, deps);
  await checkAvailabilityZone(tx, body.availability_zone, provider.driver, deps);
  const id = randomUUID();
  await checkPublishedName(tx, deps, provider, { id, name: body.name, projectId });
  const subnet = vipSubnet(deps, body);
  const publishing = provider.capabilities.publishesName;
  const { vipAddress, additionalVips } = publishing
    ? publishedVip(publishing, body)
    : await allocatedVips(tx, deps, body, subnet);
  const defaults = loadbalancerDefaults();
  return {
    id,
    project_id: projectId,
    name: body.name ?? defaults.name,
    description: body.description ?? defaults.description,
    admin_state_up: body.admin_state_up ?? defaults.admin_state_up,
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    vip_address: vipAddress,
    vip_port_id: randomUUID(),
    vip_subnet_id: subnet.id,
    vip_network_id: subnet.networkId,
    vip_qos_policy_id: body.vip_qos_policy_id ?? defaults.vip_qos_policy_id,
    additional_vips: additionalVips,
    provider: body.provider ?? deps.defaultProvider,
    flavor_id: body.flavor_id ?? null,
    // The profile as it was: a load balancer keeps the behaviour it was created with when the profile changes later.
    flavor_data: flavorData,
    availability_zone: body.availability_zone ?? null,
    tags: body.tags ?? defaults.tags,
    created_at: now(),
    updated_at: null,
  };
}

/** The VIP and additional VIPs taken from their subnets, each address once. */
async function allocatedVips(reader: StoreReader, deps: OctaviaApiDeps, body: Record<string, unknown>, subnet: Subnet) {
  const inUse = await addressesInUse(reader, subnet.id);
  const vipAddress = allocateVip(subnet, inUse, body.vip_address as string | undefined);
  inUse.add(vipAddress);
  const additionalVips: { subnet_id: string; ip_address: string }[] = [];
  for (const vip of (body.additional_vips ?? []) as { subnet_id: string; ip_address?: string }[]) {
    const extra = deps.subnets.find((s) => s.id === vip.subnet_id);
    if (!extra) throw badRequest(`Subnet ${vip.subnet_id} not found.`);
    // What other load balancers hold on that subnet is taken too, not only what this one took on its own.
    const taken = new Set([...inUse, ...(await addressesInUse(reader, extra.id))]);
    const address = allocateVip(extra, taken, vip.ip_address);
    inUse.add(address);
    additionalVips.push({ subnet_id: extra.id, ip_address: address });
  }
  return { vipAddress, additionalVips };
}

/**
 * A load balancer that publishes its name takes no address on its subnet: its vip_address is the address of the
 * server that publishes it.
 */
function publishedVip(publishing: NamePublishing, body: Record<string, unknown>) {
  if (body.vip_address !== undefined || body.additional_vips !== undefined) {
    throw badRequest(
      `Validation failure: a load balancer that publishes its name has the DNS server's address ${publishing.vipAddress} as vip_address; vip_address and additional_vips cannot be chosen.`,
    );
  }
  return { vipAddress: publishing.vipAddress, additionalVips: [] };
}

function vipSubnet(deps: OctaviaApiDeps, body: Record<string, unknown>) {
  if (body.vip_port_id !== undefined) {
    throw badRequest(`Port ${body.vip_port_id} could not be found: weir allocates VIP ports itself.`);
  }
  if (body.vip_subnet_id !== undefined) {
    const subnet = deps.subnets.find((s) => s.id === body.vip_subnet_id);
    if (!subnet) throw badRequest(`Subnet ${body.vip_subnet_id} not found.`);
    return subnet;
  }
  if (body.vip_network_id !== undefined) {
    const subnet = deps.subnets.find((s) => s.networkId === body.vip_network_id);
    if (!subnet) throw badRequest(`Network ${body.vip_network_id} not found.`);
    return subnet;
  }
  throw badRequest('Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.');
}

/** Addresses taken on a subnet: every load balancer's VIP and additional VIPs there. */
async function addressesInUse(reader: StoreReader, subnetId: string): Promise<Set<string>> {
  const used = new Set<string>();
  for (const lb of await reader.list('loadbalancer')) {
    if (lb.vip_subnet_id === subnetId) used.add(lb.vip_address as string);
    for (const vip of (lb.additional_vips ?? []) as { subnet_id: string; ip_address: string }[]) {
      if (vip.subnet_id === subnetId) used.add(vip.ip_address);
    }
  }
  return used;
}

/** The flavor's profile data, once the flavor is found usable with the provider; none without a flavor. */
async function checkFlavor(
  reader: StoreReader,
  flavorId: unknown,
  driver: string,
  deps: OctaviaApiDeps,
): Promise<Record<string, unknown>> {
  if (typeof flavorId !== 'string') return {};
  const flavor = await reader.get('flavor', flavorId);
  if (!flavor) throw badRequest(`Validation failure: Invalid flavor_id.`);
  if (!flavor.enabled) throw badRequest(`The selected flavor is not allowed in this deployment: ${flavorId}`);
  const profile = await checkProfileProvider(reader, 'flavorprofile', flavor.flavor_profile_id, driver, deps);
  return JSON.parse(String(profile.flavor_data)) as Record<string, unknown>;
}

async function checkAvailabilityZone(reader: StoreReader, name: unknown, driver: string, deps: OctaviaApiDeps) {
  if (typeof name !== 'string') return;
  const zone = await reader.get('availabilityzone', name);
  if (!zone) throw badRequest(`Validation failure: Invalid availability zone.`);
  if (!zone.enabled) throw badRequest(`The selected availability_zone is not allowed in this deployment: ${name}`);
  await checkProfileProvider(reader, 'availabilityzoneprofile', zone.availability_zone_profile_id, driver, deps);
}

async function checkProfileProvider(
  reader: StoreReader,
  kind: 'flavorprofile' | 'availabilityzoneprofile',
  profileId: unknown,
  driver: string,
  deps: OctaviaApiDeps,
): Promise<StoredObject> {
  const profile = await reader.get(kind, String(profileId));
  const profileDriver = deps.providers.find((p) => p.name === profile?.provider_name)?.driver;
  if (!profile || profileDriver !== driver) {
    throw badRequest(
      `Flavor or availability zone provider '${profile?.provider_name}' does not match the load balancer's provider.`,
    );
  }
  return profile;
}
