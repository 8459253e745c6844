import { DEFAULT_MAGLEV_SEED, DEFAULT_MAGLEV_TABLE_SIZE } from '../balancing/maglev-table.ts';
import { NO_KEY_MATERIAL, type SpecKeyMaterial } from '../key-manager/spec-key-material.ts';
import type { ClientAuthentication } from '../model/constants.ts';
import type { LoadBalancerSpec } from '../model/load-balancer-spec.ts';
import { isStateless } from '../model/stateless.ts';
import type { Subnet } from '../network/subnet.ts';
import { isLive as live, type StoredTree } from '../store/load-balancer-tree.ts';
import { unixSocketPath } from '../tenancy/unix-socket-member.ts';

/** What a spec takes from the config besides the tree. */
export interface SpecSettings {
  subnets: readonly Subnet[];
  /** tenancy.max_connections_per_load_balancer: 0 is no cap. */
  maxConnectionsPerLoadBalancer: number;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const orNull = <T>(value: unknown): T | null => (value === undefined || value === null ? null : (value as T));

/**
 * The data plane's view of a tree: objects being deleted left out, Octavia's fields turned into a typed spec, with
 * the key material its references name (read ahead by readSpecKeyMaterial).
 */
export function buildSpec(
  tree: StoredTree,
  settings: SpecSettings,
  keys: SpecKeyMaterial = NO_KEY_MATERIAL,
): LoadBalancerSpec {
  const lb = tree.loadbalancer;
  // A stateless table must be the same on every node, so it takes health from the store, not from this node's checks.
  const stateless = isStateless(lb.flavor_data);
  // Disabled rules are left out, and so is a policy left without rules, as the amphora leaves them out.
  const rulesOf = (policyId: string) =>
    tree.l7rules.filter((r) => live(r) && r.l7policy_id === policyId && r.admin_state_up !== false);
  return deepFreeze({
    id: lb.id,
    name: String(lb.name ?? ''),
    projectId: String(lb.project_id),
    provider: String(lb.provider),
    adminStateUp: lb.admin_state_up !== false,
    vip: {
      address: String(lb.vip_address),
      subnetId: String(lb.vip_subnet_id),
      interface: settings.subnets.find((s) => s.id === lb.vip_subnet_id)?.interface ?? null,
    },
    additionalVips: ((lb.additional_vips ?? []) as { subnet_id: string; ip_address: string }[]).map((v) => ({
      address: v.ip_address,
      subnetId: v.subnet_id,
    })),
    flavor: (lb.flavor_data ?? {}) as Record<string, unknown>,
    availabilityZone: {},
    maxConnections: settings.maxConnectionsPerLoadBalancer > 0 ? settings.maxConnectionsPerLoadBalancer : null,
    listeners: tree.listeners.filter(live).map((l) => ({
      id: l.id,
      name: String(l.name ?? ''),
      protocol: l.protocol as LoadBalancerSpec['listeners'][number]['protocol'],
      port: Number(l.protocol_port),
      adminStateUp: l.admin_state_up !== false,
      connectionLimit: l.connection_limit === -1 || l.connection_limit == null ? null : Number(l.connection_limit),
      defaultPoolId: orNull<string>(l.default_pool_id),
      insertHeaders: Object.fromEntries(
        Object.entries((l.insert_headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      ),
      timeouts: {
        clientDataMs: Number(l.timeout_client_data ?? 50000),
        memberConnectMs: Number(l.timeout_member_connect ?? 5000),
        memberDataMs: Number(l.timeout_member_data ?? 50000),
        tcpInspectMs: Number(l.timeout_tcp_inspect ?? 0),
      },
      tls: {
        defaultContainerRef: orNull<string>(l.default_tls_container_ref),
        sniContainerRefs: strings(l.sni_container_refs),
        clientCaContainerRef: orNull<string>(l.client_ca_tls_container_ref),
        clientAuthentication: (l.client_authentication ?? 'NONE') as ClientAuthentication,
        clientCrlContainerRef: orNull<string>(l.client_crl_container_ref),
        ciphers: orNull<string>(l.tls_ciphers),
        versions: strings(l.tls_versions),
        alpnProtocols: strings(l.alpn_protocols),
        certificates: [orNull<string>(l.default_tls_container_ref), ...strings(l.sni_container_refs)]
          .filter((ref) => ref !== null)
          .map((ref) => keys.keyPair(ref)),
        clientCaPem: pemOf(keys, l.client_ca_tls_container_ref),
        clientCrlPem: pemOf(keys, l.client_crl_container_ref),
      },
      allowedCidrs: strings(l.allowed_cidrs),
      l7policies: tree.l7policies
        .filter((p) => live(p) && p.listener_id === l.id && p.admin_state_up !== false && rulesOf(p.id).length > 0)
        .sort((a, b) => Number(a.position) - Number(b.position))
        .map((p) => ({
          id: p.id,
          action: p.action as LoadBalancerSpec['listeners'][number]['l7policies'][number]['action'],
          position: Number(p.position),
          redirectPoolId: orNull<string>(p.redirect_pool_id),
          redirectUrl: orNull<string>(p.redirect_url),
          redirectPrefix: orNull<string>(p.redirect_prefix),
          redirectHttpCode: orNull<number>(p.redirect_http_code),
          rules: rulesOf(p.id).map((r) => ({
            id: r.id,
            type: r.type as never,
            compareType: r.compare_type as never,
            key: orNull<string>(r.key),
            value: String(r.value),
            invert: r.invert === true,
          })),
        })),
    })),
    pools: tree.pools.filter(live).map((p) => {
      const persistence = p.session_persistence as Record<string, unknown> | null;
      const monitor = tree.healthmonitors.find((m) => live(m) && m.pool_id === p.id);
      return {
        id: p.id,
        protocol: p.protocol as never,
        algorithm: p.lb_algorithm as never,
        adminStateUp: p.admin_state_up !== false,
        sessionPersistence: persistence
          ? {
              type: persistence.type as never,
              cookieName: orNull<string>(persistence.cookie_name),
              timeoutSeconds: orNull<number>(persistence.persistence_timeout),
              granularity: orNull<string>(persistence.persistence_granularity),
            }
          : null,
        tls: {
          enabled: p.tls_enabled === true,
          containerRef: orNull<string>(p.tls_container_ref),
          caContainerRef: orNull<string>(p.ca_tls_container_ref),
          crlContainerRef: orNull<string>(p.crl_container_ref),
          ciphers: orNull<string>(p.tls_ciphers),
          versions: strings(p.tls_versions),
          alpnProtocols: strings(p.alpn_protocols),
          clientCertificate: typeof p.tls_container_ref === 'string' ? keys.keyPair(p.tls_container_ref) : null,
          caPem: pemOf(keys, p.ca_tls_container_ref),
          crlPem: pemOf(keys, p.crl_container_ref),
        },
        members: tree.members
          .filter((m) => live(m) && m.pool_id === p.id)
          .map((m) => ({
            id: m.id,
            name: String(m.name ?? ''),
            address: String(m.address),
            socketPath: unixSocketPath(String(m.address)) ?? null,
            port: Number(m.protocol_port),
            weight: Number(m.weight ?? 1),
            backup: m.backup === true,
            adminStateUp: m.admin_state_up !== false,
            monitorAddress: orNull<string>(m.monitor_address),
            monitorPort: orNull<number>(m.monitor_port),
            ...(stateless ? { foundDown: m.operating_status === 'ERROR' } : {}),
          })),
        healthMonitor: monitor
          ? {
              id: monitor.id,
              type: monitor.type as never,
              adminStateUp: monitor.admin_state_up !== false,
              delaySeconds: Number(monitor.delay),
              timeoutSeconds: Number(monitor.timeout),
              maxRetries: Number(monitor.max_retries),
              maxRetriesDown: Number(monitor.max_retries_down ?? 3),
              httpMethod: String(monitor.http_method ?? 'GET'),
              urlPath: String(monitor.url_path ?? '/'),
              expectedCodes: String(monitor.expected_codes ?? '200'),
              httpVersion: Number(monitor.http_version ?? 1.0),
              domainName: orNull<string>(monitor.domain_name),
            }
          : null,
        // Pools stored before weir kept these get the defaults: the same on every node.
        maglev: {
          tableSize: Number(p.maglev_table_size ?? DEFAULT_MAGLEV_TABLE_SIZE),
          seed: Number(p.maglev_seed ?? DEFAULT_MAGLEV_SEED),
        },
      };
    }),
  });
}

const pemOf = (keys: SpecKeyMaterial, ref: unknown): string | null => (typeof ref === 'string' ? keys.pem(ref) : null);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
