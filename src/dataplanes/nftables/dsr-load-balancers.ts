import { isIPv6 } from 'node:net';
import type { MaglevOptions } from '../../balancing/maglev-table.ts';
import { type MaglevTableCache, maglevSlots, PoolTableCaches } from '../../balancing/maglev-tiers.ts';
import { MemberSet } from '../../balancing/member-set.ts';
import {
  type ListenerSpec,
  type LoadBalancerSpec,
  type MemberSpec,
  vipAddresses,
} from '../../model/load-balancer-spec.ts';
import type { TrafficCounters } from '../driver.ts';
import { sumTraffic } from '../driver.ts';
import type { DsrService } from './dsr-ruleset.ts';
import { readDsrCounters } from './dsr-table.ts';
import { interfaceMac, learnMemberLink, type MemberLink, NotOnLink } from './member-links.ts';
import { canonicalCidr } from './nat-load-balancers.ts';
import { counterName } from './nat-ruleset.ts';
import type { OwnedServices } from './owned-services.ts';

/** How members behind a DSR listener learn the client, as the status tree says it. */
export const DSR_CLIENT_ADDRESS =
  'in the IP packet itself: weir forwards the frame unchanged but for its MAC addresses, and members, which carry the VIP on loopback, answer the client directly, not through weir';

/** What learning members' links needs; the kernel's by default, replaceable in tests. */
export interface LinkLearning {
  member(address: string): Promise<MemberLink | null>;
  mac(device: string): Promise<string>;
}

const KERNEL_LINKS: LinkLearning = { member: learnMemberLink, mac: interfaceMac };

/**
 * Load balancers forwarded by direct server return, with Octavia's member semantics (backup, admin state, health)
 * deciding which members take flows. Each member's MAC is learned from the kernel on every apply and again whenever
 * its health changes, since a replaced member host answers with another MAC.
 */
export class DsrLoadBalancers {
  private readonly specs = new Map<string, LoadBalancerSpec>();
  private readonly members = new Map<string, MemberSet<MemberSpec>>();
  /** The Maglev tables built for each pool and VIP family, kept while their members stay. */
  private readonly tables = new PoolTableCaches();
  /** By member address; null: its MAC could not be learned the last time. */
  private readonly links = new Map<string, MemberLink | null>();

  constructor(
    private readonly table: OwnedServices<DsrService>,
    private readonly learning: LinkLearning = KERNEL_LINKS,
    private readonly log: (message: string) => void = (message) => console.error(`weir: dsr: ${message}`),
  ) {}

  /**
   * Learns the members' links and writes the load balancer's services. Members that are not on a link of this node
   * get no flows and fail the apply with the reason, after the others' services are written.
   */
  async apply(spec: LoadBalancerSpec): Promise<void> {
    const previous = this.specs.get(spec.id);
    this.specs.set(spec.id, spec);
    for (const pool of spec.pools) {
      const set = this.members.get(pool.id) ?? new MemberSet<MemberSpec>();
      set.update(pool.members);
      this.members.set(pool.id, set);
    }
    const problems = await this.learn(this.carried(spec).flatMap((listener) => this.poolMembers(spec, listener)));
    try {
      await this.write(spec.id);
    } catch (error) {
      if (previous) this.specs.set(spec.id, previous);
      else this.specs.delete(spec.id);
      throw error;
    }
    if (problems.length > 0) throw new Error(problems.join('; '));
  }

  async remove(loadbalancerId: string): Promise<void> {
    const spec = this.specs.get(loadbalancerId);
    this.specs.delete(loadbalancerId);
    for (const pool of spec?.pools ?? []) {
      this.members.delete(pool.id);
      this.tables.forget(pool.id);
    }
    await this.table.set(loadbalancerId, []);
  }

  /**
   * Marks a member up or down, learns its MAC again and rewrites the table; resolves once the kernel forwards as the
   * change says, so that nothing reports the member's new status before its flows follow it.
   */
  async setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): Promise<void> {
    const spec = this.specs.get(loadbalancerId);
    if (!spec) return;
    for (const pool of spec.pools) this.members.get(pool.id)?.setUp(memberId, up);
    const member = spec.pools.flatMap((p) => p.members).filter((m) => m.id === memberId);
    for (const problem of await this.learn(member)) this.log(problem);
    await this.write(loadbalancerId);
  }

  /** Packets and bytes from clients and TCP connections opened, per listener; replies never pass through weir. */
  async listenerStats(loadbalancerId: string): Promise<Map<string, TrafficCounters>> {
    const stats = new Map<string, TrafficCounters>();
    const spec = this.specs.get(loadbalancerId);
    const listeners = spec ? this.carried(spec) : [];
    if (listeners.length === 0) return stats;
    const counters = await readDsrCounters();
    for (const listener of listeners) {
      const perVip = vipAddresses(spec!).map((_, i) => {
        const name = serviceName(listener, i);
        return {
          bytesIn: counters.get(counterName(name, 'in'))?.bytes ?? 0,
          bytesOut: 0,
          totalConnections: counters.get(counterName(name, 'new'))?.packets ?? 0,
          requestErrors: counters.get(counterName(name, 'refused'))?.packets ?? 0,
          activeConnections: 0,
        };
      });
      stats.set(listener.id, sumTraffic(perVip));
    }
    return stats;
  }

  /** Learns the links of these members; the reasons members are not on-link come back, and are not retried. */
  private async learn(members: readonly MemberSpec[]): Promise<string[]> {
    const problems: string[] = [];
    const addresses = [...new Set(members.filter((m) => !m.socketPath).map((m) => m.address))];
    for (const address of addresses) {
      try {
        const link = await this.learning.member(address);
        if (!link && this.links.get(address) !== null) {
          this.log(`member ${address} does not answer ARP or neighbour discovery: it gets no flows until it does`);
        }
        this.links.set(address, link);
      } catch (error) {
        if (!(error instanceof NotOnLink)) throw error;
        this.links.set(address, null);
        problems.push(error.message);
      }
    }
    return problems;
  }

  private async write(loadbalancerId: string): Promise<void> {
    const spec = this.specs.get(loadbalancerId);
    const services: DsrService[] = [];
    for (const listener of spec ? this.carried(spec) : []) {
      for (const [i, vip] of vipAddresses(spec!).entries()) {
        const service = await this.service(spec!, listener, vip, serviceName(listener, i));
        if (service) services.push(service);
      }
    }
    await this.table.set(loadbalancerId, services);
  }

  private carried(spec: LoadBalancerSpec): ListenerSpec[] {
    if (!spec.adminStateUp) return [];
    return spec.listeners.filter((listener) => listener.adminStateUp);
  }

  private poolMembers(spec: LoadBalancerSpec, listener: ListenerSpec): MemberSpec[] {
    return spec.pools.find((p) => p.id === listener.defaultPoolId)?.members ?? [];
  }

  /**
   * The listener on one VIP; null when no interface is known for its traffic to arrive on (no VIP interface and no
   * member learned), as then nothing can be hooked.
   */
  private async service(
    spec: LoadBalancerSpec,
    listener: ListenerSpec,
    vip: string,
    name: string,
  ): Promise<DsrService | null> {
    const pool = spec.pools.find((p) => p.id === listener.defaultPoolId && p.adminStateUp);
    const snapshot = pool ? this.members.get(pool.id)?.snapshot : undefined;
    // Members of the VIP's family, with a learned link, all on the first such member's interface.
    const sameFamily = (snapshot?.tier ?? [])
      .map((member, i) => ({ member, eligible: snapshot!.eligible[i]! }))
      .filter(({ member }) => !member.socketPath && isIPv6(member.address) === isIPv6(vip));
    const linked = sameFamily.map(({ member, eligible }) => ({
      member,
      eligible,
      link: this.links.get(member.address),
    }));
    const device = linked.find(({ eligible, link }) => eligible && link)?.link?.device;
    const usable = linked.map(({ member, eligible, link }) => ({
      member,
      mac: eligible && link && link.device === device ? link.mac : null,
    }));
    const ingress = spec.vip.interface ?? device;
    if (!ingress) return null;
    const { members, slots } = pool
      ? macSlots(usable, pool.maglev, this.tables.of(pool.id, isIPv6(vip) ? 6 : 4))
      : { members: [], slots: [] };
    return {
      name,
      vip,
      protocol: listener.protocol === 'UDP' ? 'udp' : 'tcp',
      port: listener.port,
      ingress,
      egress: device ? { device, mac: await this.learning.mac(device) } : null,
      pick: pool?.algorithm === 'SOURCE_IP' ? 'source-ip' : 'source-ip-port',
      // Stored with the pool, so every node with the same store state hashes a flow to the same slot.
      seed: pool?.maglev.seed ?? 0,
      allowedCidrs:
        listener.allowedCidrs.length === 0
          ? null
          : listener.allowedCidrs.map(canonicalCidr).filter((cidr) => isIPv6(cidr.split('/')[0]!) === isIPv6(vip)),
      members,
      slots,
    };
  }
}

const serviceName = (listener: ListenerSpec, vipIndex: number): string =>
  `dsr_${listener.id.replaceAll('-', '')}_${vipIndex}`;

/**
 * The pool's Maglev table (its stored size and seed, `maglevSlots`) over the tier's members by weight, as MAC
 * addresses; a member that cannot take flows (down, or no MAC) keeps its place, and only its slots move to others, so
 * the flows of members that stay keep their member.
 */
function macSlots(
  usable: readonly { member: MemberSpec; mac: string | null }[],
  options: MaglevOptions,
  cache: MaglevTableCache,
): { members: string[]; slots: number[] } {
  const candidates = usable.map(({ member, mac }) => ({ ...member, eligible: mac !== null }));
  const owners = maglevSlots(candidates, options, cache);
  const members = [...new Set(usable.flatMap(({ mac }) => (mac === null ? [] : [mac])))];
  return { members, slots: Array.from(owners, (owner) => members.indexOf(usable[owner]!.mac!)) };
}
