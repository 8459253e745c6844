import { TLS_TERMINATING_PROTOCOLS } from '../../model/compatibility.ts';
import {
  type ListenerSpec,
  type LoadBalancerSpec,
  type PoolSpec,
  vipAddresses,
} from '../../model/load-balancer-spec.ts';
import type { AddressSet } from '../../network/address-set.ts';
import type { AccessLog } from '../../observability/access-log/access-log.ts';
import { listenerForwarding } from '../../protocols/http/forwarding-headers.ts';
import { HTTP_ALPN_SPOKEN } from '../../protocols/tls/alpn-choice.ts';
import type { TrafficCounters } from '../driver.ts';
import { Admission } from './admission.ts';
import type { ConnectionSlots, SlotProvider } from './connection-slots.ts';
import { HttpListener, type HttpListenerConfig } from './http-listener.ts';
import { l7Routes } from './l7-routes.ts';
import type { PersistenceContext } from './persistence/stick-sync.ts';
import { poolForwarding } from './pool-forwarding.ts';
import { PoolRuntime } from './pool-runtime.ts';
import type { ProxyEngine } from './proxy-engine.ts';
import { proxyPreamble } from './proxy-preamble.ts';
import { TcpListener, type TcpListenerConfig } from './tcp-listener.ts';
import { TlsTermination } from './tls/tls-termination.ts';
import { ListenerCounters, type MemberTraffic, sumMemberTraffic } from './traffic-counters.ts';
import { UdpListener } from './udp-listener.ts';

export interface LocalEngineOptions {
  /** trusted_proxies: peers whose forwarding headers are believed. */
  trusted: AddressSet;
  accessLog: AccessLog | null;
  slots: SlotProvider;
  /** false: this process leaves UDP listeners to another (a flow must stay in one process). */
  udp: boolean;
  /** What pools with session persistence share with the other workers. */
  persistence: PersistenceContext;
  /**
   * The keys TLS session tickets are sealed with (tls/ticket-keys.ts), the same in every worker and for every
   * listener: a client resumes whichever worker takes its next connection. A ticket from one listener, or from a
   * certificate since replaced, is refused all the same (tls/session-id-context.ts).
   */
  ticketKeys: Buffer;
}

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
  slots: ConnectionSlots;
  pools: Map<string, PoolRuntime>;
  listeners: Map<string, BoundListener>;
  /** The TLS each terminating listener serves, kept while its configuration stays (the contexts are reused). */
  terminations: Map<string, TlsTermination>;
}

/**
 * The proxy's listeners in this process: each listener bound on the load balancer's VIPs, each connection relayed
 * to a member the pool's algorithm picks. `apply` changes only what differs: a listener whose address, port and
 * protocol stay keeps its sockets and open connections, and takes the new pools and limits for new ones.
 */
export class LocalProxyEngine implements ProxyEngine {
  private readonly loadBalancers = new Map<string, LoadBalancerRuntime>();

  constructor(private readonly options: LocalEngineOptions) {}

  async apply(spec: LoadBalancerSpec): Promise<void> {
    const runtime = this.runtimeOf(spec);
    syncPools(runtime.pools, spec.pools, this.options.persistence);
    const wanted = spec.adminStateUp
      ? spec.listeners.filter((l) => l.adminStateUp && (this.options.udp || l.protocol !== 'UDP'))
      : [];
    for (const [id, bound] of runtime.listeners) {
      const listener = wanted.find((l) => l.id === id);
      if (!listener || listenerKey(spec, listener) !== bound.key) {
        runtime.listeners.delete(id);
        runtime.terminations.delete(id);
        if (!listener) this.options.slots.forget(listenerSlotsKey(id));
        await Promise.all(bound.sockets.map((socket) => socket.close()));
      }
    }
    for (const listener of wanted) {
      try {
        terminationFor(listener, runtime, this.options.ticketKeys);
      } catch (error) {
        throw new Error(`listener ${listener.id} cannot serve TLS: ${(error as Error).message}`);
      }
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
    if (listener.protocol === 'HTTP' || listener.protocol === 'TERMINATED_HTTPS') {
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
      const configFor = (l: ListenerSpec) => ({ ...this.tcpConfig(l, runtime), idleMs: l.timeouts.clientDataMs });
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
      TcpListener.open(address, listener.port, this.tcpConfig(listener, runtime), counters),
    );
    const reconfigure = (l: ListenerSpec) => {
      const config = this.tcpConfig(l, runtime);
      for (const socket of sockets) socket.reconfigure(config);
    };
    return { key, sockets, counters, reconfigure };
  }

  private httpConfig(listener: ListenerSpec, address: string, runtime: LoadBalancerRuntime): HttpListenerConfig {
    const tcp = this.tcpConfig(listener, runtime);
    const forwarding = listenerForwarding({
      insertHeaders: listener.insertHeaders,
      vipAddress: address,
      vipPort: listener.port,
      scheme: listener.protocol === 'TERMINATED_HTTPS' ? 'https' : 'http',
    });
    const config: HttpListenerConfig = {
      ...tcp,
      forwarding: poolForwarding(forwarding, tcp.pool),
      trusted: this.options.trusted,
      routes: null,
    };
    config.routes = l7Routes(listener.l7policies, runtime.pools, config);
    return config;
  }

  private tcpConfig(listener: ListenerSpec, runtime: LoadBalancerRuntime): TcpListenerConfig {
    const pool = listener.defaultPoolId ? (runtime.pools.get(listener.defaultPoolId) ?? null) : null;
    const slots = this.options.slots.slotsFor(listenerSlotsKey(listener.id), listener.connectionLimit);
    return {
      listenerId: listener.id,
      accessLog: this.options.accessLog,
      pool: pool?.spec.adminStateUp === false ? null : pool,
      timeouts: listener.timeouts,
      preamble: pool ? proxyPreamble(pool.spec.protocol) : null,
      inspectMs: pool?.spec.protocol === 'PROXYV2' ? serverNameWait(listener) : 0,
      admission: new Admission(listener.allowedCidrs, slots, runtime.slots),
      tls: terminationFor(listener, runtime, this.options.ticketKeys),
    };
  }

  async remove(loadbalancerId: string): Promise<void> {
    const runtime = this.loadBalancers.get(loadbalancerId);
    if (!runtime) return;
    this.loadBalancers.delete(loadbalancerId);
    await Promise.all([...runtime.listeners.values()].flatMap((bound) => bound.sockets.map((s) => s.close(true))));
    for (const pool of runtime.pools.values()) pool.close();
    for (const id of runtime.listeners.keys()) this.options.slots.forget(listenerSlotsKey(id));
    this.options.slots.forget(loadBalancerSlotsKey(loadbalancerId));
  }

  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void {
    for (const pool of this.loadBalancers.get(loadbalancerId)?.pools.values() ?? []) pool.setHealth(memberId, up);
  }

  async listenerStats(loadbalancerId: string): Promise<Map<string, TrafficCounters>> {
    const runtime = this.loadBalancers.get(loadbalancerId);
    return new Map([...(runtime?.listeners ?? [])].map(([id, bound]) => [id, bound.counters.snapshot()]));
  }

  async memberTraffic(loadbalancerId: string): Promise<Map<string, MemberTraffic>> {
    const traffic = new Map<string, MemberTraffic>();
    for (const pool of this.loadBalancers.get(loadbalancerId)?.pools.values() ?? []) {
      sumMemberTraffic(traffic, pool.memberTraffic());
    }
    return traffic;
  }

  async close(): Promise<void> {
    await Promise.all([...this.loadBalancers.keys()].map((id) => this.remove(id)));
    await this.options.accessLog?.close();
  }

  private runtimeOf(spec: LoadBalancerSpec): LoadBalancerRuntime {
    const slots = this.options.slots.slotsFor(loadBalancerSlotsKey(spec.id), spec.maxConnections);
    let runtime = this.loadBalancers.get(spec.id);
    if (!runtime) {
      runtime = { slots, pools: new Map(), listeners: new Map(), terminations: new Map() };
      this.loadBalancers.set(spec.id, runtime);
    }
    return runtime;
  }
}

export const listenerSlotsKey = (listenerId: string): string => `listener:${listenerId}`;
export const loadBalancerSlotsKey = (loadbalancerId: string): string => `loadbalancer:${loadbalancerId}`;

/**
 * How long a listener relaying TLS to a PROXYV2 pool waits for the ClientHello, to pass its server name on: TLS
 * clients speak first, so an HTTPS listener always reads it, bounded by timeout_tcp_inspect or else the client
 * timeout; a TCP listener may carry protocols where the server speaks first, so it waits only when
 * timeout_tcp_inspect asks it to.
 */
function serverNameWait(listener: ListenerSpec): number {
  const { tcpInspectMs, clientDataMs } = listener.timeouts;
  if (listener.protocol === 'HTTPS') return tcpInspectMs > 0 ? tcpInspectMs : clientDataMs;
  return listener.protocol === 'TCP' ? tcpInspectMs : 0;
}

/**
 * The TLS a listener terminates, or null: built when its TLS configuration (certificates, versions, ciphers, client
 * authentication) is new, kept as it is otherwise, so an apply that changes something else builds no context.
 */
function terminationFor(
  listener: ListenerSpec,
  runtime: LoadBalancerRuntime,
  ticketKeys: Buffer,
): TlsTermination | null {
  if (!TLS_TERMINATING_PROTOCOLS.includes(listener.protocol)) return null;
  const kept = runtime.terminations.get(listener.id);
  if (kept?.serves(listener.tls)) return kept;
  const spoken = listener.protocol === 'TERMINATED_HTTPS' ? HTTP_ALPN_SPOKEN : null;
  const built = new TlsTermination(listener.id, listener.tls, spoken, ticketKeys);
  runtime.terminations.set(listener.id, built);
  return built;
}

function listenerKey(spec: LoadBalancerSpec, listener: ListenerSpec): string {
  return `${vipAddresses(spec).join(',')}|${listener.port}|${listener.protocol}`;
}

/** Pools kept across applies keep their health state and connection counts; new members start healthy. */
function syncPools(pools: Map<string, PoolRuntime>, specs: readonly PoolSpec[], persistence: PersistenceContext): void {
  for (const [id, pool] of pools) {
    if (specs.some((p) => p.id === id)) continue;
    pool.close();
    pools.delete(id);
  }
  for (const spec of specs) {
    const pool = pools.get(spec.id);
    if (pool) pool.update(spec);
    else pools.set(spec.id, new PoolRuntime(spec, persistence));
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
