import { isIPv6 } from 'node:net';
import { MemberSet } from '../../balancing/member-set.ts';
import { xxhash32 } from '../../balancing/xxhash32.ts';
import type { LbAlgorithm } from '../../model/constants.ts';
import type { ListenerSpec, LoadBalancerSpec, MemberSpec } from '../../model/load-balancer-spec.ts';
import { plugVip, unplugVip } from '../../network/vip-address.ts';
import type { DataPlaneDriver, DriverCapabilities, DriverFactory, TrafficCounters } from '../driver.ts';
import { type NatService, renderNatTable } from './nat-ruleset.ts';
import { runNft } from './nft-command.ts';

const capabilities: DriverCapabilities = {
  listenerProtocols: ['TCP', 'UDP'],
  poolProtocols: ['TCP', 'UDP'],
  algorithms: ['ROUND_ROBIN', 'SOURCE_IP', 'SOURCE_IP_PORT'],
  persistenceTypes: [],
  monitorTypes: ['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'PING'],
  l7Policies: false,
  listenerConnectionLimit: false,
  flavorCapabilities: [],
  availabilityZoneCapabilities: [],
  healthChecks: 'weir',
  clientAddress: () =>
    "in the IP packet itself: members answer through weir's node, their gateway, which undoes the translation",
};

const PICK: Partial<Record<LbAlgorithm, NatService['pick']>> = {
  ROUND_ROBIN: 'random',
  SOURCE_IP: 'source-ip',
  SOURCE_IP_PORT: 'source-ip-port',
};

/**
 * NAT load balancing in the kernel: each listener's VIP and port are DNATed by nftables to a member, which uses this
 * node as its gateway, so the member sees the client's own address in every packet. Every change rewrites weir's
 * table in one atomic transaction; open flows keep their member through conntrack. Closing leaves the table in
 * place, so forwarding goes on while weir restarts.
 */
class NatDriver implements DataPlaneDriver {
  readonly name = 'nat';
  readonly description = natDriver.description;
  readonly capabilities = capabilities;
  private readonly specs = new Map<string, LoadBalancerSpec>();
  private readonly members = new Map<string, MemberSet<MemberSpec>>();
  private readonly plugged = new Map<string, { address: string; device: string }>();
  /** Table writes in order, each from the state at its turn. */
  private writing: Promise<void> = Promise.resolve();

  async apply(spec: LoadBalancerSpec): Promise<void> {
    this.specs.set(spec.id, spec);
    for (const pool of spec.pools) {
      const set = this.members.get(pool.id) ?? new MemberSet<MemberSpec>();
      set.update(pool.members);
      this.members.set(pool.id, set);
    }
    const device = spec.vip.interface;
    if (device && !this.plugged.has(spec.id) && (await plugVip(spec.vip.address, device))) {
      this.plugged.set(spec.id, { address: spec.vip.address, device });
    }
    await this.write();
  }

  async remove(loadbalancerId: string): Promise<void> {
    const spec = this.specs.get(loadbalancerId);
    if (!spec) return;
    this.specs.delete(loadbalancerId);
    for (const pool of spec.pools) this.members.delete(pool.id);
    await this.write();
    const plugged = this.plugged.get(loadbalancerId);
    this.plugged.delete(loadbalancerId);
    if (plugged) await unplugVip(plugged.address, plugged.device);
  }

  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void {
    const spec = this.specs.get(loadbalancerId);
    let changed = false;
    for (const pool of spec?.pools ?? [])
      changed = (this.members.get(pool.id)?.setUp(memberId, up) ?? false) || changed;
    if (changed) this.write().catch((error: Error) => console.error(`weir: nat: ${error.message}`));
  }

  /** Not counted yet: nftables counters come with the kernel providers' statistics. */
  async listenerStats(): Promise<ReadonlyMap<string, TrafficCounters>> {
    return new Map();
  }

  async close(): Promise<void> {
    await this.writing.catch(() => {});
  }

  private write(): Promise<void> {
    const next = this.writing.catch(() => {}).then(() => runNft(renderNatTable(this.services())));
    this.writing = next;
    return next;
  }

  private services(): NatService[] {
    const services: NatService[] = [];
    for (const spec of this.specs.values()) {
      if (!spec.adminStateUp) continue;
      for (const listener of spec.listeners) {
        if (!listener.adminStateUp) continue;
        const addresses = [spec.vip.address, ...spec.additionalVips.map((v) => v.address)];
        addresses.forEach((vip, i) => {
          services.push(this.service(spec, listener, vip, `svc_${chainId(listener.id)}_${i}`));
        });
      }
    }
    return services;
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
      allowedCidrs: listener.allowedCidrs,
      // A packet can be translated only to a member of the VIP's address family, never to a local socket.
      backends: active
        .filter((m) => !m.socketPath && isIPv6(m.address) === isIPv6(vip))
        .map((m) => ({ address: m.address, port: m.port, weight: m.weight })),
    };
  }
}

const chainId = (id: string): string => id.replaceAll('-', '');

export const natDriver: DriverFactory = {
  name: 'nat',
  aliases: [],
  description:
    "Kernel NAT load balancing with nftables: members use weir's node as their gateway and see each client's " +
    'own address in the packets. TCP and UDP. Needs root (CAP_NET_ADMIN).',
  create: () => new NatDriver(),
};
