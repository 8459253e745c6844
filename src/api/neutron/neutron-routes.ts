import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Subnet } from '../../network/subnet.ts';
import type { StateStore } from '../../store/state-store.ts';
import { subnetsVisibleTo } from '../../tenancy/subnet-visibility.ts';

type Resource = Record<string, unknown> & { id: string };
type Query = Record<string, string | string[] | undefined>;

/**
 * The read-only slice of Neutron that OpenStack clients call to turn names into ids: subnets and networks from the
 * configuration, and one port per load balancer VIP. `openstack --os-endpoint` sends these to weir itself.
 * Subnets limited to other projects, and networks left with none the caller sees, are absent as in Neutron.
 */
export function neutronRoutes(app: FastifyInstance, store: StateStore, subnets: readonly Subnet[], projectId: string) {
  const subnetView = (s: Subnet): Resource => ({
    id: s.id,
    name: s.name,
    network_id: s.networkId,
    ip_version: s.ipVersion,
    cidr: s.cidr,
    gateway_ip: s.gatewayIp,
    allocation_pools: s.allocationPools,
    enable_dhcp: false,
    dns_nameservers: [],
    host_routes: [],
    description: '',
    tags: [],
    tenant_id: projectId,
    project_id: projectId,
  });
  const visible = (request: FastifyRequest) => subnetsVisibleTo(subnets, request.context);
  const networks = (request: FastifyRequest): Resource[] => {
    const byId = new Map<string, Resource>();
    for (const s of visible(request)) {
      const network = byId.get(s.networkId) ?? {
        id: s.networkId,
        name: s.networkName,
        subnets: [] as string[],
        status: 'ACTIVE',
        admin_state_up: true,
        shared: true,
        'router:external': false,
        mtu: 1500,
        description: '',
        tags: [],
        tenant_id: projectId,
        project_id: projectId,
      };
      (network.subnets as string[]).push(s.id);
      byId.set(s.networkId, network);
    }
    return [...byId.values()];
  };
  // A caller sees the VIP ports of their own project's load balancers, an administrator all, as in Neutron.
  const ports = async (request: FastifyRequest): Promise<Resource[]> =>
    (await store.read((reader) => reader.list('loadbalancer')))
      .filter((lb) => request.context.isAdmin || lb.project_id === request.context.projectId)
      .map((lb) => ({
        id: lb.vip_port_id as string,
        name: `octavia-lb-${lb.id}`,
        network_id: lb.vip_network_id,
        fixed_ips: [{ subnet_id: lb.vip_subnet_id, ip_address: lb.vip_address }],
        device_owner: 'Octavia',
        device_id: `lb-${lb.id}`,
        status: 'ACTIVE',
        admin_state_up: true,
        mac_address: null,
        security_groups: [],
        description: '',
        tags: [],
        tenant_id: lb.project_id,
        project_id: lb.project_id,
      }));

  const collections: [string, string, string, (request: FastifyRequest) => Promise<Resource[]> | Resource[]][] = [
    ['subnets', 'subnet', 'Subnet', (request) => visible(request).map(subnetView)],
    ['networks', 'network', 'Network', networks],
    ['ports', 'port', 'Port', ports],
  ];
  for (const [collection, singular, label, load] of collections) {
    app.get(`/v2.0/${collection}`, async (request) => ({
      [collection]: neutronFilter(await load(request), request.query as Query),
    }));
    app.get<{ Params: { id: string } }>(`/v2.0/${collection}/:id`, async (request, reply) => {
      const found = (await load(request)).find((r) => r.id === request.params.id);
      if (!found) return neutronNotFound(reply, label, request.params.id);
      return { [singular]: found };
    });
  }
}

/** Neutron's list filters: each parameter an exact match, repeated parameters alternatives; `fields` selects. */
function neutronFilter(resources: Resource[], query: Query): Record<string, unknown>[] {
  const ignored = new Set(['fields', 'limit', 'marker', 'sort_key', 'sort_dir', 'page_reverse']);
  const filters = Object.entries(query).filter(([key, value]) => !ignored.has(key) && value !== undefined);
  const matches = resources.filter((r) =>
    filters.every(([key, value]) => ([] as string[]).concat(value ?? []).includes(String(r[key]))),
  );
  const fields = query.fields === undefined ? [] : ([] as string[]).concat(query.fields);
  if (fields.length === 0) return matches;
  return matches.map((r) => Object.fromEntries(fields.filter((f) => f in r).map((f) => [f, r[f]])));
}

function neutronNotFound(reply: FastifyReply, label: string, id: string) {
  reply.code(404);
  return {
    NeutronError: { type: `${label}NotFound`, message: `${label} ${id} could not be found.`, detail: '' },
  };
}
