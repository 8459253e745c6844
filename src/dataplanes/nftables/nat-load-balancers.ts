import { isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { MemberSet } from '../../balancing/member-set.ts';
import { xxhash32 } from '../../balancing/xxhash32.ts';
import type { LbAlgorithm } from '../../model/constants.ts';
import {
  type ListenerSpec,
  type LoadBalancerSpec,
  type MemberSpec,
  vipAddresses,
} from '../../model/load-balancer-spec.ts';
import { sumTraffic, type TrafficCounters } from '../driver.ts';
import { activeFlows, cutFlows, type FlowSelector } from './conntrack.ts';
import { readNatCounters } from './nat-counters.ts';
import { counterName, type NatCounter, type NatService } from './nat-ruleset.ts';
import type { NatTable } from './nat-table.ts';

/** How members behind a kernel-forwarded listener learn the client, as the status tree says it. */
export const KERNEL_CLIENT_ADDRESS =
  "in the IP packet itself: members answer through weir's node, their gateway, which undoes the translation";

const PICK: Partial<Record<LbAlgorithm, NatService['pick']>> = {
  ROUND_ROBIN: 'random',
  SOURCE_IP: 'source-ip',
  SOURCE_IP_PORT: 'source-ip-port',
};

/**
 * Load balancers' listeners forwarded by the kernel table, with Octavia's member semantics (drain, backup, admin
 * state, health) deciding which members get new flows. `carries` says which listeners are this owner's.
 */
export class NatLoadBalancers {
  private readonly specs = new Map<string, LoadBalancerSpec>();
  private readonly members = new Map<string, MemberSet<MemberSpec>>();
  /** `<load balancer>/<member>` health checks found down. */
  private readonly down = new Set<string>();

  constructor(
    private readonly table: NatTable,
    /** Names this owner's entries in the table, apart from other owners'. */
    private readonly owner: string,
    private readonly carries: (spec: LoadBalancerSpec, listener: ListenerSpec) => boolean,
    private readonly cut: (flows: FlowSelector) => Promise<void> = cutFlows,
  ) {}

  /** Writes the load balancer's services, then cuts the flows of members and listeners it no longer has. */
  async apply(spec: LoadBalancerSpec): Promise<void> {
    const before = this.specs.get(spec.id);
    const cut = before ? this.flowsToCut(before, spec) : [];
    this.adopt(spec);
    try {
      await this.write(spec.id);
    } catch (error) {
      // What the kernel refused was not applied: the next attempt is measured against what was.
      if (before) this.adopt(before);
      else this.specs.delete(spec.id);
      throw error;
    }
    await Promise.all(cut.map(this.cut));
  }

  private adopt(spec: LoadBalancerSpec): void {
    this.specs.set(spec.id, spec);
    for (const pool of spec.pools) {
      const set = this.members.get(pool.id) ?? new MemberSet<MemberSpec>();
      set.update(pool.members);
      this.members.set(pool.id, set);
    }
  }

  async remove(loadbalancerId: string): Promise<void> {
    const spec = this.specs.get(loadbalancerId);
    const cut = spec ? this.flowsToCut(spec, undefined) : [];
    this.specs.delete(loadbalancerId);
    for (const pool of spec?.pools ?? []) this.members.delete(pool.id);
    for (const key of this.down) if (key.startsWith(`${loadbalancerId}/`)) this.down.delete(key);
    await this.table.set(this.key(loadbalancerId), []);
    await Promise.all(cut.map(this.cut));
  }

  /**
   * Marks a member up or down; a change in who gets new flows rewrites the table, and a member found down loses its
   * flows, as a removed one does. A failure goes to onError.
   */
  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean, onError: (error: Error) => void): void {
    const spec = this.specs.get(loadbalancerId);
    if (!spec) return;
    let changed = false;
    for (const pool of spec.pools) changed = (this.members.get(pool.id)?.setUp(memberId, up) ?? false) || changed;
    // A member found down loses its flows even when new flows never went to it (drained, or a backup at rest).
    const key = `${loadbalancerId}/${memberId}`;
    const fell = !up && !this.down.has(key);
    if (up) this.down.delete(key);
    else this.down.add(key);
    const cut = fell ? this.memberFlows(spec, (member) => member.id === memberId) : [];
    const written = changed ? this.write(loadbalancerId) : Promise.resolve();
    written.then(() => Promise.all(cut.map(this.cut))).catch(onError);
  }

  /** Counters of this owner's listeners of a load balancer, from the table's counters and conntrack. */
  async listenerStats(loadbalancerId: string): Promise<Map<string, TrafficCounters>> {
    const stats = new Map<string, TrafficCounters>();
    const spec = this.specs.get(loadbalancerId);
    const listeners = spec ? this.carried(spec) : [];
    if (listeners.length === 0) return stats;
    const counters = await readNatCounters();
    const value = (service: NatService, counter: NatCounter) => counters.get(counterName(service.name, counter));
    for (const listener of listeners) {
      const perVip = this.listenerServices(spec!, listener).map(
        async (service): Promise<TrafficCounters> => ({
          bytesIn: value(service, 'in')?.bytes ?? 0,
          bytesOut: value(service, 'out')?.bytes ?? 0,
          totalConnections: value(service, 'new')?.packets ?? 0,
          requestErrors: value(service, 'refused')?.packets ?? 0,
          activeConnections: await activeFlows(flowsOf(service)),
        }),
      );
      stats.set(listener.id, sumTraffic(await Promise.all(perVip)));
    }
    return stats;
  }

  /**
   * What a change from `before` to `after` (none: the load balancer goes) takes away: every flow of a listener that
   * goes, and the flows of each member that leaves its listener's pool or is set admin down. Drained members
   * (weight 0) keep theirs.
   */
  private flowsToCut(before: LoadBalancerSpec, after: LoadBalancerSpec | undefined): FlowSelector[] {
    const kept = after ? this.carried(after) : [];
    const cut: FlowSelector[] = [];
    for (const listener of this.carried(before)) {
      const now = kept.find(
        (l) => l.id === listener.id && l.port === listener.port && l.protocol === listener.protocol,
      );
      const services = this.listenerServices(before, listener);
      if (!now) {
        cut.push(...services.map((service) => flowsOf(service)));
        continue;
      }
      const pool =
        now.defaultPoolId === listener.defaultPoolId ? after!.pools.find((p) => p.id === now.defaultPoolId) : undefined;
      const stays = (member: MemberSpec) =>
        pool?.adminStateUp === true &&
        pool.members.some(
          (m) => m.id === member.id && m.adminStateUp && m.address === member.address && m.port === member.port,
        );
      for (const member of this.poolMembers(before, listener)) {
        if (!stays(member)) cut.push(...services.map((service) => flowsOf(service, member)));
      }
    }
    return cut;
  }

  /** The flows of the members `which` picks, on every listener whose pool has them. */
  private memberFlows(spec: LoadBalancerSpec, which: (member: MemberSpec) => boolean): FlowSelector[] {
    return this.carried(spec).flatMap((listener) =>
      this.poolMembers(spec, listener)
        .filter(which)
        .flatMap((member) => this.listenerServices(spec, listener).map((service) => flowsOf(service, member))),
    );
  }

  private poolMembers(spec: LoadBalancerSpec, listener: ListenerSpec): MemberSpec[] {
    return (spec.pools.find((p) => p.id === listener.defaultPoolId)?.members ?? []).filter((m) => !m.socketPath);
  }

  private write(loadbalancerId: string): Promise<void> {
    const spec = this.specs.get(loadbalancerId);
    return this.table.set(this.key(loadbalancerId), spec ? this.services(spec) : []);
  }

  private key(loadbalancerId: string): string {
    return `${this.owner}:${loadbalancerId}`;
  }

  private services(spec: LoadBalancerSpec): NatService[] {
    return this.carried(spec).flatMap((listener) => this.listenerServices(spec, listener));
  }

  private carried(spec: LoadBalancerSpec): ListenerSpec[] {
    if (!spec.adminStateUp) return [];
    return spec.listeners.filter((listener) => listener.adminStateUp && this.carries(spec, listener));
  }

  /** One service per VIP address of the load balancer. */
  private listenerServices(spec: LoadBalancerSpec, listener: ListenerSpec): NatService[] {
    return vipAddresses(spec).map((vip, i) =>
      this.service(spec, listener, vip, `svc_${listener.id.replaceAll('-', '')}_${i}`),
    );
  }

  private service(spec: LoadBalancerSpec, listener: ListenerSpec, vip: string, name: string): NatService {
    const pool = spec.pools.find((p) => p.id === listener.defaultPoolId && p.adminStateUp);
    const active = pool ? (this.members.get(pool.id)?.snapshot.active ?? []) : [];
    return {
      name,
      vip,
      protocol: listener.protocol === 'UDP' ? 'udp' : 'tcp',
      port: listener.port,
      pick: (pool && PICK[pool.algorithm]) ?? 'random',
      // Derived from the pool alone, so every node with the same store state hashes a flow the same way.
      seed: pool ? xxhash32(Buffer.from(pool.id), pool.id.length, 0) : 0,
      // An allow-list: a VIP of the family it names none of takes no flows. Written canonically, as nft reads it.
      allowedCidrs:
        listener.allowedCidrs.length === 0
          ? null
          : listener.allowedCidrs.map(canonicalCidr).filter((cidr) => isIPv6(cidr.split('/')[0]!) === isIPv6(vip)),
      // A packet can be translated only to a member of the VIP's address family, never to a local socket or to an
      // address scoped to one interface.
      backends: active
        .filter((m) => !m.socketPath && !m.address.includes('%') && isIPv6(m.address) === isIPv6(vip))
        .map((m) => ({ address: m.address, port: m.port, weight: m.weight })),
    };
  }
}

/** The flows of a service, or only those translated to `member`. */
function flowsOf(service: NatService, member?: MemberSpec): FlowSelector {
  return {
    vip: service.vip,
    protocol: service.protocol,
    port: service.port,
    ...(member ? { member: { address: member.address, port: member.port } } : {}),
  };
}

/** `10.1/16` as `10.1.0.0/16`: nft reads only the usual spelling. */
export function canonicalCidr(cidr: string): string {
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  return `${address.toString()}/${prefix}`;
}
