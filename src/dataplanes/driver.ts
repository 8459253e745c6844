import type { ListenAddress } from '../config/listen-address.ts';
import type { PublishedRecords } from '../dns/published-records.ts';
import type { Zone } from '../dns/zone.ts';
import type { LbAlgorithm, ListenerProtocol, MonitorType, PersistenceType, PoolProtocol } from '../model/constants.ts';
import type { LoadBalancerSpec } from '../model/load-balancer-spec.ts';
import type { AccessLogSettings } from '../observability/access-log/access-log.ts';
import type { AnswerPolicy } from './dns/answer-policy.ts';
import { addResponses, emptyResponses } from './http-responses.ts';
import { addLatency, emptyLatency, type LatencyCounts } from './request-latency.ts';

/** What a driver can carry. The API validates every request against these, so a driver never sees what it can't do. */
export interface DriverCapabilities {
  listenerProtocols: readonly ListenerProtocol[];
  poolProtocols: readonly PoolProtocol[];
  algorithms: readonly LbAlgorithm[];
  persistenceTypes: readonly PersistenceType[];
  monitorTypes: readonly MonitorType[];
  l7Policies: boolean;
  /** The `tls_versions` a TLS-terminating listener may ask for; absent: any Octavia accepts. */
  tlsVersions?: readonly string[];
  /** Whether a listener's connection_limit can be enforced; if not, the API refuses one. */
  listenerConnectionLimit: boolean;
  /**
   * Whether a member may listen on another port than its listener's. Without it (packets are forwarded unchanged)
   * the API refuses members, and default pools, whose protocol_port differs from a listener's.
   */
  portTranslation: boolean;
  /**
   * Whether a member at weight 0 keeps its open connections while taking no new ones. Without it (no connection
   * state to keep them by) the API refuses weight 0.
   */
  memberDrain: boolean;
  /** Flavor keys the driver understands, as `/providers/{p}/flavor_capabilities` lists them. */
  flavorCapabilities: readonly ProfileCapability[];
  availabilityZoneCapabilities: readonly ProfileCapability[];
  /**
   * `weir`: members are checked by weir's shared health checker and their results reach the driver and the
   * operating statuses. `none`: the driver carries no traffic and nothing is checked (noop).
   */
  healthChecks: 'weir' | 'none';
  /**
   * How members behind a listener learn each client's address, in words, shown in the status tree as the
   * listener's `client_address`; absent for a driver that carries no traffic.
   */
  clientAddress?: (listener: ClientAddressQuestion) => string;
  /** Present when the driver publishes each load balancer's `name` (in DNS): what the API checks and reports. */
  publishesName?: NamePublishing;
}

export interface NamePublishing {
  /** Why a load balancer of `projectId` may not publish `name`, or undefined; names taken are the API's to check. */
  nameProblem(name: string, projectId: string): string | undefined;
  /** What such a load balancer reports as its vip_address: the address of the server that publishes it. */
  vipAddress: string;
}

export interface ProfileCapability {
  name: string;
  description: string;
  /** The values a profile may give the key; any value when absent. */
  values?: readonly unknown[];
}

/** What decides how a listener hands members the client's address. */
export interface ClientAddressQuestion {
  protocol: ListenerProtocol;
  insertHeaders: Readonly<Record<string, string>>;
  /** The protocol of the listener's default pool; null without one. */
  poolProtocol: PoolProtocol | null;
  /** null: unlimited. */
  connectionLimit: number | null;
  /** The default pool has session persistence; absent: it has none. */
  poolPersistence?: boolean;
}

export interface TrafficCounters {
  bytesIn: number;
  bytesOut: number;
  activeConnections: number;
  totalConnections: number;
  requestErrors: number;
  /** HTTP requests, from data planes that read them (the proxy's HTTP listeners); absent where none are seen. */
  totalRequests?: number;
  /** How long those requests took, where the data plane times them. */
  latency?: LatencyCounts;
  /** Their answers by status class (http-responses.ts), where the data plane answers them. */
  responses?: number[];
  /** Requests an L7 policy rejected. */
  deniedRequests?: number;
}

/** Counters added up: a listener's over the processes or VIPs that carry it, a load balancer's over its listeners. */
export function sumTraffic(counters: Iterable<TrafficCounters>): TrafficCounters {
  const total: TrafficCounters = {
    bytesIn: 0,
    bytesOut: 0,
    activeConnections: 0,
    totalConnections: 0,
    requestErrors: 0,
  };
  for (const c of counters) {
    total.bytesIn += c.bytesIn;
    total.bytesOut += c.bytesOut;
    total.activeConnections += c.activeConnections;
    total.totalConnections += c.totalConnections;
    total.requestErrors += c.requestErrors;
    if (c.totalRequests !== undefined) total.totalRequests = (total.totalRequests ?? 0) + c.totalRequests;
    if (c.latency !== undefined) {
      total.latency ??= emptyLatency();
      addLatency(total.latency, c.latency);
    }
    if (c.responses !== undefined) {
      total.responses ??= emptyResponses();
      addResponses(total.responses, c.responses);
    }
    if (c.deniedRequests !== undefined) total.deniedRequests = (total.deniedRequests ?? 0) + c.deniedRequests;
  }
  return total;
}

/**
 * A data plane, with Octavia's provider-driver semantics made declarative: `apply` takes a load balancer's whole
 * desired state and makes it so; calling it again with the same spec changes nothing.
 */
export interface DataPlaneDriver {
  /** Canonical provider name. */
  readonly name: string;
  readonly description: string;
  readonly capabilities: DriverCapabilities;
  apply(spec: LoadBalancerSpec, signal: AbortSignal): Promise<void>;
  /** Tears a load balancer down; unknown ids are fine, so a repeated remove is harmless. */
  remove(loadbalancerId: string, signal: AbortSignal): Promise<void>;
  /**
   * Marks members up or down as health checks find them; members not named keep their state. A driver whose data
   * plane follows later returns a promise that resolves once it does: the member's operating status waits for it.
   */
  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void | Promise<void>;
  /** Counters per listener of one load balancer since it was applied. */
  listenerStats(loadbalancerId: string): Promise<ReadonlyMap<string, TrafficCounters>>;
  close(): Promise<void>;
}

/** What the operator configured that data planes need. */
export interface DriverSettings {
  /** Peers whose Forwarded and X-Forwarded-* headers are believed (the config's trusted_proxies). */
  trustedProxies: readonly string[];
  /** Where data planes that carry traffic log each request and connection; none: no access log. */
  accessLog?: AccessLogSettings;
  /** Worker processes the proxy data plane runs its listeners in (proxy.workers); 0: in weir's own process. */
  proxyWorkers: number;
  /** Where the proxy forwards UDP (proxy.udp): the kernel when it may, or always in user space. */
  proxyUdp: 'auto' | 'kernel' | 'user_space';
  /** tenancy.max_connections_per_load_balancer is set: what cannot count connections must not carry them. */
  connectionCap: boolean;
  /**
   * Where the HMAC key of HTTP_COOKIE persistence's cookies is kept (`<data_dir>/cookie.key`); absent: a key of
   * this run's own, so cookies do not outlive it.
   */
  cookieKeyPath?: string;
  /** dns.listen and dns.zones, and where the `dns` provider publishes what weir's DNS server answers. */
  dns?: DnsSettings;
}

export interface DnsSettings {
  listen: readonly ListenAddress[];
  zones: readonly Zone[];
  records: PublishedRecords;
  answers: AnswerPolicy;
}

export const DEFAULT_DRIVER_SETTINGS: DriverSettings = {
  trustedProxies: [],
  proxyWorkers: 0,
  proxyUdp: 'user_space',
  connectionCap: false,
};

export interface DriverFactory {
  readonly name: string;
  /** Other names clients may send in `provider`; the name a client sent is the one stored and echoed back. */
  readonly aliases: readonly string[];
  readonly description: string;
  /** Why this node cannot run the data plane (privileges, tools), or undefined when it can. */
  unavailable?(settings: DriverSettings): string | undefined;
  create(settings: DriverSettings): DataPlaneDriver;
}
