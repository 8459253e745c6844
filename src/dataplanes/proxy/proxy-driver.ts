import type { ListenerSpec, LoadBalancerSpec, PoolSpec } from '../../model/load-balancer-spec.ts';
import { type AddressSet, addressSet } from '../../network/address-set.ts';
import { AccessLog } from '../../observability/access-log/access-log.ts';
import { listenerForwarding } from '../../protocols/http/forwarding-headers.ts';
import type { DataPlaneDriver, DriverCapabilities, DriverFactory, DriverSettings, TrafficCounters } from '../driver.ts';
import { Admission, ConnectionBudget } from './admission.ts';
import { HttpListener, type HttpListenerConfig } from './http-listener.ts';
import { PoolRuntime } from './pool-runtime.ts';
import { proxyPreamble } from './proxy-preamble.ts';
import { TcpListener, type TcpListenerConfig } from './tcp-listener.ts';
import { ListenerCounters } from './traffic-counters.ts';
import { UdpListener } from './udp-listener.ts';
import { plugVip, unplugVip } from './vip-address.ts';

const capabilities: DriverCapabilities = {
  // HTTPS is TLS passed through to the members, balanced as TCP.
  listenerProtocols: ['HTTP', 'TCP', 'HTTPS', 'UDP'],
  poolProtocols: ['HTTP', 'TCP', 'HTTPS', 'PROXY', 'PROXYV2', 'UDP'],
  algorithms: ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'],
  persistenceTypes: [],
  monitorTypes: ['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'PING'],
  l7Policies: false,
  flavorCapabilities: [],
  availabilityZoneCapabilities: [],
  healthChecks: 'weir',
};

/** One listener as bound: a socket per VIP address, one set of counters. */
interface BoundListener {
  /** What requires a new bind when it changes. */
  key: string;
  sockets: { close(drop?: boolean): Promise<void> }[];
  counters: ListenerCounters;
  /** Hands the sockets the listener's new configuration. */
  reconfigure(listener: ListenerSpec): void;
}

interface LoadBalancerRuntime {
  /** The VIP weir put on an interface for this load balancer, to take away when it goes. */
  plugged: { address: string; device: string } | null;
  accessLog: AccessLog | null;
  budget: ConnectionBudget;
  pools: Map<string, PoolRuntime>;
  listeners: Map<string, BoundListener>;
}

/**
 * weir's own reverse proxy, in this process: each listener bound on the load balancer's VIPs, each connection
 * relayed to a member the pool's algorithm picks. `apply` changes only what differs: a listener whose address,
 * port and protocol stay keeps its sockets and open connections, and takes the new pools and limits for new ones.
 */
class ProxyDriver implements DataPlaneDriver {
  readonly name = 'proxy';
  readonly description = proxyDriver.description;
  readonly capabilities = capabilities;
  private readonly loadBalancers = new Map<string, LoadBalancerRuntime>();
  private readonly trusted: AddressSet;
  private readonly accessLog: AccessLog | null;

  constructor(settings: DriverSettings) {
    this.trusted = addressSet(settings.trustedProxies);
    this.accessLog = settings.accessLog ? AccessLog.open(settings.accessLog) : null;
  }

  async apply(spec: LoadBalancerSpec): Promise<void> {
    const runtime = this.runtimeOf(spec);
    const device = spec.vip.interface;
    if (device && !runtime.plugged && (await plugVip(spec.vip.address, device))) {
      runtime.plugged = { address: spec.vip.address, device };
    }
    runtime.budget.limit = spec.maxConnections;
    syncPools(runtime.pools, spec.pools);
    const wanted = spec.adminStateUp ? spec.listeners.filter((l) => l.adminStateUp) : [];
    for (const [id, bound] of runtime.listeners) {
      const listener = wanted.find((l) => l.id === id);
      if (!listener || listenerKey(spec, listener) !== bound.key) {
        runtime.listeners.delete(id);
        await Promise.all(bound.sockets.map((socket) => socket.close()));
      }
    }
    for (const listener of wanted) {
      const bound = runtime.listeners.get(listener.id);
      if (bound) {
        bound.reconfigure(listener);
        continue;
      }
      try {
        runtime.listeners.set(listener.id, await this.bind(spec, listener, runtime));
      } catch (error) {
        throw new Error(`listener ${listener.id} cannot listen on port ${listener.port}: ${(error as Error).message}`);
      }
    }
  }

  /** Opens the listener on every address, or none: a failure closes what was opened. */
  private async bind(
    spec: LoadBalancerSpec,
    listener: ListenerSpec,
    runtime: LoadBalancerRuntime,
  ): Promise<BoundListener> {
    const addresses = vipAddresses(spec);
    const counters = new ListenerCounters();
    const key = listenerKey(spec, listener);
    if (listener.protocol === 'HTTP') {
      const configFor = (l: ListenerSpec, address: string) => this.httpConfig(l, address, runtime);
      const sockets = await openAll(addresses, (address) =>
        HttpListener.open(address, listener.port, configFor(listener, address), counters),
      );
      const reconfigure = (l: ListenerSpec) => {
        sockets.forEach((socket, i) => {
          socket.reconfigure(configFor(l, addresses[i]!));
        });
      };
      return { key, sockets, counters, reconfigure };
    }
    if (listener.protocol === 'UDP') {
      const configFor = (l: ListenerSpec) => ({ ...tcpConfig(l, runtime), idleMs: l.timeouts.clientDataMs });
      const sockets = await openAll(addresses, (address) =>
        UdpListener.open(address, listener.port, configFor(listener), counters),
      );
      const reconfigure = (l: ListenerSpec) => {
        const config = configFor(l);
        for (const socket of sockets) socket.reconfigure(config);
      };
      return { key, sockets, counters, reconfigure };
    }
    const sockets = await openAll(addresses, (address) =>
      TcpListener.open(address, listener.port, tcpConfig(listener, runtime), counters),
    );
    const reconfigure = (l: ListenerSpec) => {
      const config = tcpConfig(l, runtime);
      for (const socket of sockets) socket.reconfigure(config);
    };
    return { key, sockets, counters, reconfigure };
  }

  private httpConfig(listener: ListenerSpec, address: string, runtime: LoadBalancerRuntime): HttpListenerConfig {
    return {
      ...tcpConfig(listener, runtime),
      forwarding: listenerForwarding({
        insertHeaders: listener.insertHeaders,
        vipAddress: address,
        vipPort: listener.port,
        scheme: 'http',
      }),
      trusted: this.trusted,
    };
  }

  async remove(loadbalancerId: string): Promise<void> {
    const runtime = this.loadBalancers.get(loadbalancerId);
    if (!runtime) return;
    this.loadBalancers.delete(loadbalancerId);
    await Promise.all([...runtime.listeners.values()].flatMap((bound) => bound.sockets.map((s) => s.close(true))));
    for (const pool of runtime.pools.values()) pool.close();
    if (runtime.plugged) await unplugVip(runtime.plugged.address, runtime.plugged.device);
  }

  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void {
    for (const pool of this.loadBalancers.get(loadbalancerId)?.pools.values() ?? []) pool.setHealth(memberId, up);
  }

  listenerStats(loadbalancerId: string): ReadonlyMap<string, TrafficCounters> {
    const runtime = this.loadBalancers.get(loadbalancerId);
    return new Map([...(runtime?.listeners ?? [])].map(([id, bound]) => [id, bound.counters.snapshot()]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.loadBalancers.keys()].map((id) => this.remove(id)));
    await this.accessLog?.close();
  }

  private runtimeOf(spec: LoadBalancerSpec): LoadBalancerRuntime {
    let runtime = this.loadBalancers.get(spec.id);
    if (!runtime) {
      runtime = {
        plugged: null,
        accessLog: this.accessLog,
        budget: new ConnectionBudget(spec.maxConnections),
        pools: new Map(),
        listeners: new Map(),
      };
      this.loadBalancers.set(spec.id, runtime);
    }
    return runtime;
  }
}

/** Every address of the load balancer a listener is bound on: the VIP and the additional VIPs. */
const vipAddresses = (spec: LoadBalancerSpec): string[] => [
  spec.vip.address,
  ...spec.additionalVips.map((v) => v.address),
];

function listenerKey(spec: LoadBalancerSpec, listener: ListenerSpec): string {
  return `${vipAddresses(spec).join(',')}|${listener.port}|${listener.protocol}`;
}

/** Pools kept across applies keep their health state and connection counts; new members start healthy. */
function syncPools(pools: Map<string, PoolRuntime>, specs: readonly PoolSpec[]): void {
  for (const [id, pool] of pools) {
    if (specs.some((p) => p.id === id)) continue;
    pool.close();
    pools.delete(id);
  }
  for (const spec of specs) {
    const pool = pools.get(spec.id);
    if (pool) pool.update(spec);
    else pools.set(spec.id, new PoolRuntime(spec));
  }
}

/** Opens one socket per address, all or none. */
async function openAll<T extends { close(drop?: boolean): Promise<void> }>(
  addresses: readonly string[],
  open: (address: string) => Promise<T>,
): Promise<T[]> {
  const sockets: T[] = [];
  try {
    for (const address of addresses) sockets.push(await open(address));
    return sockets;
  } catch (error) {
    await Promise.all(sockets.map((socket) => socket.close(true)));
    throw error;
  }
}

function tcpConfig(listener: ListenerSpec, runtime: LoadBalancerRuntime): TcpListenerConfig {
  const pool = listener.defaultPoolId ? (runtime.pools.get(listener.defaultPoolId) ?? null) : null;
  return {
    listenerId: listener.id,
    accessLog: runtime.accessLog,
    pool: pool?.spec.adminStateUp === false ? null : pool,
    timeouts: listener.timeouts,
    preamble: pool ? proxyPreamble(pool.spec.protocol) : null,
    admission: new Admission(listener.allowedCidrs, listener.connectionLimit, runtime.budget),
    budget: runtime.budget,
  };
}

export const proxyDriver: DriverFactory = {
  name: 'proxy',
  // Octavia's default provider is `amphora`: clients and Terraform modules that name it get weir's proxy.
  aliases: ['amphora', 'octavia'],
  description:
    "weir's reverse proxy: HTTP with Forwarded and X-Forwarded-* headers, TCP and TLS passed through with the " +
    "PROXY protocol (PROXY and PROXYV2 pools), so members learn each client's address; UDP relayed in user space.",
  create: (settings) => new ProxyDriver(settings),
};
