import { randomBytes } from 'node:crypto';
import type { ListenerSpec, LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import { addressSet } from '../../network/address-set.ts';
import { PluggedVips } from '../../network/vip-address.ts';
import { AccessLog } from '../../observability/access-log/access-log.ts';
import { StartupError } from '../../server/startup-error.ts';
import type { DataPlaneDriver, DriverCapabilities, DriverFactory, DriverSettings, TrafficCounters } from '../driver.ts';
import { NatLoadBalancers } from '../nftables/nat-load-balancers.ts';
import { natTable } from '../nftables/nat-table.ts';
import { kernelForwardingAvailable } from '../nftables/nft-command.ts';
import { proxyClientAddress } from './client-address-delivery.ts';
import { localSlotProvider } from './connection-slots.ts';
import { LocalProxyEngine } from './local-proxy-engine.ts';
import { cookieKeyFrom } from './persistence/cookie-key.ts';
import { isPrometheus, PrometheusListeners } from './prometheus/prometheus-listeners.ts';
import type { ProxyEngine } from './proxy-engine.ts';
import { newTicketKeys } from './tls/ticket-keys.ts';
import { ClusterProxyEngine } from './workers/cluster-proxy-engine.ts';

const capabilities: DriverCapabilities = {
  // HTTPS is TLS passed through to the members, balanced as TCP; TERMINATED_HTTPS and TERMINATED_TLS decrypt it.
  // PROMETHEUS serves the load balancer's own metrics.
  listenerProtocols: ['HTTP', 'TCP', 'HTTPS', 'UDP', 'TERMINATED_HTTPS', 'TERMINATED_TLS', 'PROMETHEUS'],
  poolProtocols: ['HTTP', 'TCP', 'HTTPS', 'PROXY', 'PROXYV2', 'UDP'],
  algorithms: ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'],
  persistenceTypes: ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'],
  monitorTypes: ['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'PING'],
  // Node's OpenSSL has no SSLv3.
  tlsVersions: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
  l7Policies: true,
  listenerConnectionLimit: true,
  portTranslation: true,
  memberDrain: true,
  flavorCapabilities: [],
  availabilityZoneCapabilities: [],
  healthChecks: 'weir',
};

/**
 * weir's own reverse proxy. The driver puts VIPs on their interfaces and hands each load balancer to the engine:
 * one worker process per core sharing the listening sockets (`settings.proxyWorkers`), or this process. UDP
 * listeners go to the kernel's NAT table instead when weir may program it, as Octavia's amphora balances UDP with
 * LVS, so their members see the client too.
 */
class ProxyDriver implements DataPlaneDriver {
  readonly name = 'proxy';
  readonly description = proxyDriver.description;
  readonly capabilities: DriverCapabilities;
  private readonly vips = new PluggedVips();
  private readonly engine: ProxyEngine;
  /** UDP listeners the kernel forwards; null: all UDP is relayed by the engine. */
  private readonly kernelUdp: NatLoadBalancers | null;
  private readonly prometheus: PrometheusListeners;

  constructor(settings: DriverSettings) {
    const inKernel = udpInKernel(settings);
    this.capabilities = { ...capabilities, clientAddress: (question) => proxyClientAddress(question, inKernel) };
    this.kernelUdp = inKernel ? new NatLoadBalancers(natTable, 'proxy', kernelCarries) : null;
    const cookieKey = settings.cookieKeyPath ? cookieKeyFrom(settings.cookieKeyPath) : randomBytes(32);
    this.engine =
      settings.proxyWorkers > 0
        ? new ClusterProxyEngine(settings, cookieKey)
        : new LocalProxyEngine({
            trusted: addressSet(settings.trustedProxies),
            accessLog: settings.accessLog ? AccessLog.open(settings.accessLog) : null,
            slots: localSlotProvider(),
            udp: true,
            persistence: { cookieKey, sync: null },
            ticketKeys: newTicketKeys(),
          });
    this.prometheus = new PrometheusListeners(this.engine);
  }

  async apply(spec: LoadBalancerSpec): Promise<void> {
    await this.vips.plug(spec);
    // Each part is applied even when the other fails: a kernel table refusing a rule must not stall HTTP.
    const forwarded = this.kernelUdp?.apply(spec).then(
      () => null,
      (error: Error) => error,
    );
    const relayed = spec.listeners.filter((l) => !isPrometheus(l) && !(this.kernelUdp && kernelCarries(spec, l)));
    await this.engine.apply({ ...spec, listeners: relayed });
    await this.prometheus.apply(spec);
    const failed = await forwarded;
    if (failed) throw failed;
  }

  async remove(loadbalancerId: string): Promise<void> {
    await this.prometheus.remove(loadbalancerId);
    await this.engine.remove(loadbalancerId);
    await this.kernelUdp?.remove(loadbalancerId);
    await this.vips.unplug(loadbalancerId);
  }

  /** Resolves once UDP forwarded in the kernel follows too, so the member's operating status is written only then. */
  async setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): Promise<void> {
    this.engine.setMemberHealth(loadbalancerId, memberId, up);
    this.prometheus.setMemberHealth(loadbalancerId, memberId, up);
    await this.kernelUdp
      ?.setMemberHealth(loadbalancerId, memberId, up)
      .catch((error: Error) => console.error(`weir: proxy: UDP in the kernel: ${error.message}`));
  }

  async listenerStats(loadbalancerId: string): Promise<Map<string, TrafficCounters>> {
    const [relayed, forwarded] = await Promise.all([
      this.engine.listenerStats(loadbalancerId),
      this.kernelUdp?.listenerStats(loadbalancerId) ?? new Map<string, TrafficCounters>(),
    ]);
    return new Map([...relayed, ...forwarded]);
  }

  async close(): Promise<void> {
    await this.prometheus.close();
    await this.engine.close();
    await this.vips.unplugAll();
  }
}

/**
 * UDP listeners without a connection_limit, whose pool has no session persistence: only the user-space relay counts
 * flows, and keeps a table of clients to members with the pool's persistence_timeout and granularity.
 */
const kernelCarries = (spec: LoadBalancerSpec, listener: ListenerSpec): boolean =>
  listener.protocol === 'UDP' &&
  listener.connectionLimit === null &&
  !spec.pools.some((pool) => pool.id === listener.defaultPoolId && pool.sessionPersistence !== null);

function udpInKernel(settings: DriverSettings): boolean {
  if (settings.proxyUdp === 'user_space') return false;
  const able = kernelForwardingAvailable();
  if (settings.proxyUdp === 'kernel') {
    if (!able) throw new StartupError('proxy.udp: kernel needs root and the nft command');
    if (settings.connectionCap) {
      throw new StartupError(
        'proxy.udp: kernel cannot count flows against tenancy.max_connections_per_load_balancer; use auto',
      );
    }
  }
  return able && !settings.connectionCap;
}

export const proxyDriver: DriverFactory = {
  name: 'proxy',
  // Octavia's default provider is `amphora`: clients and Terraform modules that name it get weir's proxy.
  aliases: ['amphora', 'octavia'],
  description:
    "weir's reverse proxy: HTTP with Forwarded and X-Forwarded-* headers, TCP and TLS passed through with the " +
    "PROXY protocol (PROXY and PROXYV2 pools), so members learn each client's address; UDP by kernel NAT when " +
    'weir runs as root, else relayed in user space.',
  create: (settings) => new ProxyDriver(settings),
};
