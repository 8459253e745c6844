import { isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { maglevSlots, PoolTableCaches } from '../../balancing/maglev-tiers.ts';
import { MemberSet } from '../../balancing/member-set.ts';
import type { LbAlgorithm } from '../../model/constants.ts';
import {
  type ListenerSpec,
  type LoadBalancerSpec,
  type MemberSpec,
  vipAddresses,
} from '../../model/load-balancer-spec.ts';
import { isStateless } from '../../model/stateless.ts';
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
  /** The Maglev tables built for each pool and VIP family, kept while their members stay. */
  private readonly tables = new PoolTableCaches();
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
    const cut = before
      ? isStateless(before.flavor)
        ? []
        : this.flowsToCut(before, spec)
      : this.restoredFlowsToCut(spec);
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
      // A stateless table follows the health the store holds, the same on every node.
      if (isStateless(spec.flavor)) for (const m of pool.members) set.setUp(m.id, m.foundDown !== true);
      this.members.set(pool.id, set);
    }
  }

  async remove(loadbalancerId: string): Promise<void> {
    const spec = this.specs.get(loadbalancerId);
    const cut = spec && !isStateless(spec.flavor) ? this.flowsToCut(spec, undefined) : [];
    this.specs.delete(loadbalancerId);
    for (const pool of spec?.pools ?? []) {
      this.members.delete(pool.id);
      this.tables.forget(pool.id);
    }
    for (const key of this.down) if (key.startsWith(`${loadbalancerId}/`)) this.down.delete(key);
    await this.table.set(this.key(loadbalancerId), []);
    await Promise.all(cut.map(this.cut));
  }

  /**
   * Marks a member up or down; a change in who gets new flows rewrites the table, and a member found down loses its
   * flows, as a removed one does. Resolves once the table and the cuts are done.
   */
  async setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): Promise<void> {
    const spec = this.specs.get(loadbalancerId);
    // A stateless load balancer learns health from the store, through its spec: this node's view alone must not
    // change a table every node has to agree on.
    if (!spec || isStateless(spec.flavor)) return;
    let changed = false;
    for (const pool of spec.pools) changed = (this.members.get(pool.id)?.setUp(memberId, up) ?? false) || changed;
    // A member found down loses its flows even when new flows never went to it (drained, or a backup at rest).
    const key = `${loadbalancerId}/${memberId}`;
    const fell = !up && !this.down.has(key);
    if (up) this.down.delete(key);
    else this.down.add(key);
    const cut = fell ? this.memberFlows(spec, (member) => member.id === memberId) : [];
    if (changed) await this.write(loadbalancerId);
    await Promise.all(cut.map(this.cut));
  }

  /** Counters of this owner's listeners of a load balancer, from the table's counters and conntrack. */
  async listenerStats(loadbalancerId: string): Promise<Map<string, TrafficCounters>> {
    const stats = new Map<string, TrafficCounters>();
    const spec = this.specs.get(loadbalancerId);
    const listeners = spec ? this.carried(spec) : [];
    if (listeners.length === 0) return stats;
    const counters = await readNatCounters();
    const value = (service: ServiceKey, counter: NatCounter) => counters.get(counterName(service.name, counter));
    for (const listener of listeners) {
      const perVip = this.listenerServices(spec!, listener).map(
        async (service): Promise<TrafficCounters> => ({
          bytesIn: value(service, 'in')?.bytes ?? 0,
          bytesOut: value(service, 'out')?.bytes ?? 0,
          totalConnections: value(service, 'new')?.packets ?? 0,
          requestErrors: value(service, 'refused')?.packets ?? 0,
          // Untracked flows are not counted.
          activeConnections: isStateless(spec!.flavor) ? 0 : await activeFlows(flowsOf(service)),
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

  /**
   * After a restart, the first apply of a load balancer has no spec to compare with, only the services the table
   * kept from the last run: flows of services it no longer has, and of backends that are no longer a member of their
   * listener's pool (deleted or set admin down while weir was down), are cut. Drained members keep theirs.
   */
  private restoredFlowsToCut(spec: LoadBalancerSpec): FlowSelector[] {
    const restored = (this.table.restored(this.key(spec.id)) ?? []).filter((service) => service.stateless !== true);
    const now = this.carried(spec).flatMap((listener) =>
      this.listenerServices(spec, listener).map((service) => ({ service, listener })),
    );
    const cut: FlowSelector[] = [];
    for (const old of restored) {
      const kept = now.find(
        ({ service }) => service.vip === old.vip && service.protocol === old.protocol && service.port === old.port,
      );
      if (!kept) {
        cut.push(flowsOf(old));
        continue;
      }
      const pool = spec.pools.find((p) => p.id === kept.listener.defaultPoolId);
      const stays = (backend: Endpoint) =>
        pool?.adminStateUp === true &&
        this.poolMembers(spec, kept.listener).some(
          (m) => m.adminStateUp && m.address === backend.address && m.port === backend.port,
        );
      const gone = new Map(old.backends.filter((b) => !stays(b)).map((b) => [`${b.address} ${b.port}`, b]));
      for (const backend of gone.values()) cut.push(flowsOf(old, backend));
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
    return this.carried(spec).flatMap((listener) =>
      this.listenerServices(spec, listener).map((service) => this.forwarding(spec, listener, service)),
    );
  }

  private carried(spec: LoadBalancerSpec): ListenerSpec[] {
    if (!spec.adminStateUp) return [];
    return spec.listeners.filter((listener) => listener.adminStateUp && this.carries(spec, listener));
  }

  /** One service per VIP address of the load balancer, as named and matched; `forwarding` says where it goes. */
  private listenerServices(spec: LoadBalancerSpec, listener: ListenerSpec): ServiceKey[] {
    return vipAddresses(spec).map((vip, i) => ({
      name: `svc_${listener.id.replaceAll('-', '')}_${i}`,
      vip,
      protocol: listener.protocol === 'UDP' ? 'udp' : 'tcp',
      port: listener.port,
    }));
  }

  private forwarding(spec: LoadBalancerSpec, listener: ListenerSpec, key: ServiceKey): NatService {
    const { vip } = key;
    const pool = spec.pools.find((p) => p.id === listener.defaultPoolId && p.adminStateUp);
    const stateless = isStateless(spec.flavor);
    // Without connection state there is no chance pick: round robin becomes a hash of the whole flow.
    const pick = (pool && PICK[pool.algorithm]) ?? 'random';
    const hashed = stateless && pick === 'random' ? 'source-ip-port' : pick;
    // A packet can be translated only to a member of the VIP's address family, never to a local socket or to an
    // address scoped to one interface.
    const reachable = (m: MemberSpec) => !m.socketPath && !m.address.includes('%') && isIPv6(m.address) === isIPv6(vip);
    const backend = (m: MemberSpec) => ({ address: m.address, port: m.port, weight: m.weight });
    const snapshot = pool ? this.members.get(pool.id)?.snapshot : undefined;
    const service = {
      ...key,
      pick: hashed,
      ...(stateless ? { stateless: true } : {}),
      ...(listener.connectionLimit !== null ? { connectionLimit: listener.connectionLimit } : {}),
      // Stored with the pool, so every node with the same store state hashes a flow to the same slot.
      seed: pool?.maglev.seed ?? 0,
      // An allow-list: a VIP of the family it names none of takes no flows. Written canonically, as nft reads it.
      allowedCidrs:
        listener.allowedCidrs.length === 0
          ? null
          : listener.allowedCidrs.map(canonicalCidr).filter((cidr) => isIPv6(cidr.split('/')[0]!) === isIPv6(vip)),
    };
    if (hashed === 'random' || !pool) {
      return { ...service, backends: (snapshot?.active ?? []).filter(reachable).map(backend) };
    }
    // The hashing picks keep ineligible members in the table, so that only their own clients move while they are out.
    const tier = (snapshot?.tier ?? []).map((m, i) => ({ member: m, eligible: snapshot!.eligible[i]! }));
    const candidates = tier.filter(({ member }) => reachable(member));
    const slots = maglevSlots(
      candidates.map(({ member, eligible }) => ({ ...member, eligible })),
      pool.maglev,
      this.tables.of(pool.id, isIPv6(vip) ? 6 : 4),
    );
    return { ...service, backends: candidates.map(({ member }) => backend(member)), table: Array.from(slots) };
  }
}

/** What names a service and what its packets match. */
type ServiceKey = Pick<NatService, 'name' | 'vip' | 'protocol' | 'port'>;

/** The flows of a service, or only those translated to `member`. */
type Endpoint = Pick<MemberSpec, 'address' | 'port'>;

function flowsOf(service: ServiceKey, member?: Endpoint): FlowSelector {
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
