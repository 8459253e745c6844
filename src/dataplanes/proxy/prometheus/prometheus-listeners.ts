import { type ListenerSpec, type LoadBalancerSpec, vipAddresses } from '../../../model/load-balancer-spec.ts';
import type { ProxyEngine } from '../proxy-engine.ts';
import { octaviaExposition } from './octavia-exposition.ts';
import { allowedSources, PrometheusListener, type PrometheusListenerConfig } from './prometheus-listener.ts';

interface Bound {
  /** What requires a new bind when it changes. */
  key: string;
  sockets: PrometheusListener[];
}

export const isPrometheus = (listener: ListenerSpec): boolean => listener.protocol === 'PROMETHEUS';

/**
 * The proxy provider's PROMETHEUS listeners, in weir's process: each scrape asks the engine (and so every worker)
 * for the load balancer's counters. Member health is what the health checks last reported here.
 */
export class PrometheusListeners {
  private readonly specs = new Map<string, LoadBalancerSpec>();
  private readonly bound = new Map<string, Map<string, Bound>>();
  private readonly down = new Map<string, Set<string>>();

  constructor(private readonly engine: ProxyEngine) {}

  async apply(spec: LoadBalancerSpec): Promise<void> {
    this.specs.set(spec.id, spec);
    const wanted = spec.adminStateUp ? spec.listeners.filter((l) => isPrometheus(l) && l.adminStateUp) : [];
    const bound = this.bound.get(spec.id) ?? new Map<string, Bound>();
    this.bound.set(spec.id, bound);
    for (const [id, listener] of bound) {
      const wantedListener = wanted.find((l) => l.id === id);
      if (!wantedListener || keyOf(spec, wantedListener) !== listener.key) {
        bound.delete(id);
        await Promise.all(listener.sockets.map((s) => s.close()));
      }
    }
    for (const listener of wanted) {
      const config = this.configFor(spec.id, listener);
      const existing = bound.get(listener.id);
      if (existing) {
        for (const socket of existing.sockets) socket.reconfigure(config);
        continue;
      }
      const sockets: PrometheusListener[] = [];
      try {
        for (const address of vipAddresses(spec))
          sockets.push(await PrometheusListener.open(address, listener.port, config));
      } catch (error) {
        await Promise.all(sockets.map((s) => s.close()));
        throw new Error(`listener ${listener.id} cannot listen on port ${listener.port}: ${(error as Error).message}`);
      }
      bound.set(listener.id, { key: keyOf(spec, listener), sockets });
    }
  }

  async remove(loadbalancerId: string): Promise<void> {
    const bound = this.bound.get(loadbalancerId);
    this.bound.delete(loadbalancerId);
    this.specs.delete(loadbalancerId);
    this.down.delete(loadbalancerId);
    await Promise.all([...(bound?.values() ?? [])].flatMap((listener) => listener.sockets.map((s) => s.close())));
  }

  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void {
    let down = this.down.get(loadbalancerId);
    if (!down) {
      down = new Set();
      this.down.set(loadbalancerId, down);
    }
    if (up) down.delete(memberId);
    else down.add(memberId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.bound.keys()].map((id) => this.remove(id)));
  }

  private configFor(loadbalancerId: string, listener: ListenerSpec): PrometheusListenerConfig {
    return {
      allowed: allowedSources(listener.allowedCidrs),
      connectionLimit: listener.connectionLimit,
      scrape: async () => {
        const spec = this.specs.get(loadbalancerId);
        if (!spec) throw new Error(`load balancer ${loadbalancerId} is gone`);
        const [listeners, members] = await Promise.all([
          this.engine.listenerStats(loadbalancerId),
          this.engine.memberTraffic(loadbalancerId),
        ]);
        const down = this.down.get(loadbalancerId);
        return octaviaExposition({ spec, listeners, members, memberUp: (id) => !down?.has(id) });
      },
    };
  }
}

const keyOf = (spec: LoadBalancerSpec, listener: ListenerSpec): string =>
  `${vipAddresses(spec).join(',')}|${listener.port}`;
