import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import { addressSet } from '../../network/address-set.ts';
import { plugVip, unplugVip } from '../../network/vip-address.ts';
import { AccessLog } from '../../observability/access-log/access-log.ts';
import type { DataPlaneDriver, DriverCapabilities, DriverFactory, DriverSettings, TrafficCounters } from '../driver.ts';
import { proxyClientAddress } from './client-address-delivery.ts';
import { localSlotProvider } from './connection-slots.ts';
import { LocalProxyEngine } from './local-proxy-engine.ts';
import type { ProxyEngine } from './proxy-engine.ts';
import { ClusterProxyEngine } from './workers/cluster-proxy-engine.ts';

const capabilities: DriverCapabilities = {
  // HTTPS is TLS passed through to the members, balanced as TCP.
  listenerProtocols: ['HTTP', 'TCP', 'HTTPS', 'UDP'],
  poolProtocols: ['HTTP', 'TCP', 'HTTPS', 'PROXY', 'PROXYV2', 'UDP'],
  algorithms: ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'],
  persistenceTypes: [],
  monitorTypes: ['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'PING'],
  l7Policies: false,
  listenerConnectionLimit: true,
  flavorCapabilities: [],
  availabilityZoneCapabilities: [],
  healthChecks: 'weir',
  clientAddress: proxyClientAddress,
};

/**
 * weir's own reverse proxy. The driver puts VIPs on their interfaces and hands each load balancer to the engine:
 * one worker process per core sharing the listening sockets (`settings.proxyWorkers`), or this process.
 */
class ProxyDriver implements DataPlaneDriver {
  readonly name = 'proxy';
  readonly description = proxyDriver.description;
  readonly capabilities = capabilities;
  /** The VIPs weir put on an interface, by load balancer, to take away when it goes. */
  private readonly plugged = new Map<string, { address: string; device: string }>();
  private readonly engine: ProxyEngine;

  constructor(settings: DriverSettings) {
    this.engine =
      settings.proxyWorkers > 0
        ? new ClusterProxyEngine(settings)
        : new LocalProxyEngine({
            trusted: addressSet(settings.trustedProxies),
            accessLog: settings.accessLog ? AccessLog.open(settings.accessLog) : null,
            slots: localSlotProvider(),
            udp: true,
          });
  }

  async apply(spec: LoadBalancerSpec): Promise<void> {
    const device = spec.vip.interface;
    if (device && !this.plugged.has(spec.id) && (await plugVip(spec.vip.address, device))) {
      this.plugged.set(spec.id, { address: spec.vip.address, device });
    }
    await this.engine.apply(spec);
  }

  async remove(loadbalancerId: string): Promise<void> {
    await this.engine.remove(loadbalancerId);
    const plugged = this.plugged.get(loadbalancerId);
    this.plugged.delete(loadbalancerId);
    if (plugged) await unplugVip(plugged.address, plugged.device);
  }

  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void {
    this.engine.setMemberHealth(loadbalancerId, memberId, up);
  }

  listenerStats(loadbalancerId: string): Promise<Map<string, TrafficCounters>> {
    return this.engine.listenerStats(loadbalancerId);
  }

  async close(): Promise<void> {
    await this.engine.close();
    await Promise.all([...this.plugged.values()].map((vip) => unplugVip(vip.address, vip.device)));
    this.plugged.clear();
  }
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
