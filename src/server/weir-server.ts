import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/app.ts';
import type { Authenticate } from '../api/auth/authentication.ts';
import { KeystoneClient } from '../api/auth/keystone/keystone-client.ts';
import { keystoneIdentity } from '../api/auth/keystone/keystone-identity.ts';
import { noauthIdentity } from '../api/auth/noauth.ts';
import type { ProviderInfo, RuntimeView } from '../api/octavia/deps.ts';
import { UNLIMITED_QUOTAS } from '../api/octavia/v2/quotas.ts';
import { Policy } from '../api/policy/policy.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { parseListenAddress } from '../config/listen-address.ts';
import type { Config } from '../config/load-config.ts';
import { NO_DRIVER } from '../controller/reconcile-observer.ts';
import { Reconciler, type ReconcilerLog } from '../controller/reconciler.ts';
import { answerPolicyFromConfig } from '../dataplanes/dns/answer-policy.ts';
import type { DnsSettings, DriverFactory, TrafficCounters } from '../dataplanes/driver.ts';
import { dsrTable } from '../dataplanes/nftables/dsr-table.ts';
import { natTable } from '../dataplanes/nftables/nat-table.ts';
import { KERNEL_PRIVILEGES_NEEDED, kernelForwardingAvailable } from '../dataplanes/nftables/nft-command.ts';
import type { SourceNatRule } from '../dataplanes/nftables/source-nat-ruleset.ts';
import { DRIVER_FACTORIES, DriverRegistry } from '../dataplanes/registry.ts';
import { DnsServer } from '../dns/dns-server.ts';
import { PublishedRecords } from '../dns/published-records.ts';
import { zoneFromConfig } from '../dns/zone.ts';
import { ZoneSet } from '../dns/zone-set.ts';
import { HealthChecker } from '../health/health-checker.ts';
import { loadKeyFile } from '../key-manager/key-file.ts';
import { PayloadCipher } from '../key-manager/payload-cipher.ts';
import { SecretVault } from '../key-manager/secret-vault.ts';
import { storedKeyProblem } from '../key-manager/stored-key-check.ts';
import { nameBasedUuid } from '../network/stable-id.ts';
import { ServiceMetrics } from '../observability/metrics/service-metrics.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { memberWallsFor } from '../tenancy/member-walls-from-config.ts';
import { readApiTls } from './api-tls.ts';
import { DataDirLock } from './data-dir-lock.ts';
import { soaSerial } from './soa-serial.ts';
import { StartupError } from './startup-error.ts';

/** `weir serve`: API, controller and local data planes in one process over the embedded store. */
export class WeirServer {
  private constructor(
    readonly api: FastifyInstance,
    private readonly store: SqliteStore,
    private readonly drivers: DriverRegistry,
    readonly reconciler: Reconciler,
    private readonly audit: AuditLog,
    private readonly keystone: KeystoneClient | undefined,
    private readonly scheme: 'http' | 'https',
    private readonly lock: DataDirLock,
    /** weir's authoritative DNS server, when dns.listen names addresses. */
    readonly dns: DnsServer | undefined,
  ) {}

  static async start(
    config: Config,
    log: ReconcilerLog,
    options: {
      logRequests?: boolean;
      drivers?: readonly DriverFactory[];
    } = {},
  ): Promise<WeirServer> {
    const lock = DataDirLock.acquire(config.server.data_dir);
    try {
      return await WeirServer.startLocked(config, log, options, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private static async startLocked(
    config: Config,
    log: ReconcilerLog,
    options: { logRequests?: boolean; drivers?: readonly DriverFactory[] },
    lock: DataDirLock,
  ): Promise<WeirServer> {
    const tls = config.server.tls && readApiTls(config.server.tls);
    // The walls ask the API where it listens only when a member is checked, by when it does.
    const memberWalls = await memberWallsFor(config, () => api.addresses());
    const store = await SqliteStore.open(config.store.sqlite.path);
    let vault: SecretVault;
    try {
      vault = await openVault(config, store);
    } catch (error) {
      await store.close();
      throw error;
    }
    const audit = AuditLog.open(config.audit.path ?? join(config.server.data_dir, 'audit.jsonl'));
    const dnsSettings = {
      listen: config.dns.listen.map(parseListenAddress),
      zones: config.dns.zones.map(zoneFromConfig),
      records: new PublishedRecords(),
      answers: answerPolicyFromConfig(config.dns.answers),
    };
    const drivers = new DriverRegistry(
      options.drivers ?? DRIVER_FACTORIES,
      {
        trustedProxies: config.trusted_proxies,
        accessLog: config.access_log,
        proxyWorkers: proxyWorkers(config.proxy.workers),
        proxyUdp: config.proxy.udp,
        connectionCap: config.tenancy.max_connections_per_load_balancer > 0,
        cookieKeyPath: join(config.server.data_dir, 'cookie.key'),
        dns: dnsSettings,
      },
      config.server.default_provider,
    );
    for (const [name, reason] of drivers.unavailable) log.info(`weir: provider ${name} is not enabled: ${reason}`);
    const specSettings = {
      subnets: config.subnets,
      maxConnectionsPerLoadBalancer: config.tenancy.max_connections_per_load_balancer,
    };
    restoreKernelTable(join(config.server.data_dir, 'nat-services.json'), natTable);
    restoreKernelTable(join(config.server.data_dir, 'dsr-services.json'), dsrTable);
    await writeSourceNat(config.nat.source_nat);
    const metrics = config.server.metrics
      ? new ServiceMetrics({ drivers: [...drivers.drivers.map((driver) => driver.name), NO_DRIVER] })
      : undefined;
    const health = new HealthChecker({ observer: metrics });
    const reconciler = new Reconciler(store, drivers, specSettings, log, health, { observer: metrics, vault });
    const { host, port } = parseListenAddress(config.server.listen);
    const nodeId = config.node.id ?? stableNodeId(config.node.name);
    const runtime: RuntimeView = {
      listenerStats: async (loadbalancerId) => {
        const merged = new Map<string, TrafficCounters>();
        for (const stats of await Promise.all(drivers.drivers.map((d) => d.listenerStats(loadbalancerId)))) {
          for (const [id, counters] of stats) merged.set(id, counters);
        }
        return merged;
      },
      nodes: () => [{ id: nodeId, name: config.node.name, address: host }],
      memberHealth: (memberId) => health.status(memberId),
      healthTransitions: (loadbalancerId) => reconciler.healthTransitions.of(loadbalancerId),
      lastReconcile: (loadbalancerId) => reconciler.reports.of(loadbalancerId),
    };
    const providers: ProviderInfo[] = drivers.providers.map((p) => ({
      name: p.name,
      description: p.description,
      driver: p.driver.name,
      capabilities: p.driver.capabilities,
    }));
    const keystone =
      config.keystone && config.server.auth === 'keystone' ? new KeystoneClient(config.keystone) : undefined;
    const authenticate: Authenticate = keystone
      ? keystoneIdentity(keystone, config.keystone!.auth_url, config.keystone!.token_cache_time)
      : noauthIdentity(config.server.default_project_id);
    const api = buildApi({
      store,
      providers,
      unavailableProviders: drivers.unavailable,
      defaultProvider: drivers.defaultProvider,
      subnets: config.subnets,
      runtime,
      quotaDefaults: UNLIMITED_QUOTAS,
      memberWalls,
      maglevTableSize: config.balancing.maglev_table_size,
      vault,
      defaultProjectId: config.server.default_project_id,
      authenticate,
      // Overrides are for keystone callers; noauth callers are administrators.
      policy: Policy.withOverrides(keystone ? config.policy : {}),
      maxBodyBytes: config.server.max_body_bytes,
      logger: options.logRequests ?? false,
      audit,
      https: tls,
      metrics,
    });
    await reconciler.start();
    // Every load balancer has been applied once: kernel rules kept from the last run for ones gone since can go.
    for (const table of [natTable, dsrTable]) {
      await table.dropUnclaimed().catch((error: Error) => log.error(`kernel table: ${error.message}`));
    }
    const dns = await startDns(dnsSettings, store, log);
    await api.listen({ host, port });
    return new WeirServer(api, store, drivers, reconciler, audit, keystone, tls ? 'https' : 'http', lock, dns);
  }

  get address(): string {
    const address = this.api.server.address();
    if (address === null || typeof address === 'string') return String(address);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${this.scheme}://${host}:${address.port}`;
  }

  /** Stops taking requests, lets running reconciliations finish, then closes drivers and the store. */
  async close(): Promise<void> {
    await this.api.close();
    await this.dns?.close();
    await this.reconciler.stop();
    await this.drivers.close();
    await this.store.close();
    await this.keystone?.close();
    this.audit.close();
    this.lock.release();
  }
}

/**
 * The key manager's vault, with the key of key_manager.key_file (the default file in the data directory is
 * created on first start). A key that cannot open the secrets already stored stops the start.
 */
async function openVault(config: Config, store: SqliteStore): Promise<SecretVault> {
  const configured = config.key_manager.key_file;
  const path = configured ?? join(config.server.data_dir, 'key-manager.key');
  let key: Buffer;
  try {
    key = loadKeyFile(path, { create: configured === undefined });
  } catch (error) {
    throw new StartupError(`key_manager.key_file: ${(error as Error).message}`);
  }
  const vault = new SecretVault(new PayloadCipher(key));
  const problem = await storedKeyProblem(store, vault);
  if (problem !== undefined) {
    throw new StartupError(
      `key_manager.key_file: the key in ${path} cannot decrypt the secrets stored in ${config.store.sqlite.path} ` +
        `(${problem}); start with the key they were stored with`,
    );
  }
  return vault;
}

/** A node without a configured id gets one derived from its name, so its amphora ids survive restarts. */
const NODE_NAMESPACE = '5c0e5d3a-2f7b-4d61-9a0e-6b1f3c2d4e58';
const stableNodeId = (name: string): string => nameBasedUuid(NODE_NAMESPACE, name);

/**
 * The DNS server of dns.listen, answering for dns.zones with SOA and NS at each apex and what the `dns` provider
 * publishes below. The SOA serial is the store's revision (soa-serial.ts): it moves with every change and stays
 * across restarts.
 */
async function startDns(settings: DnsSettings, store: SqliteStore, log: ReconcilerLog): Promise<DnsServer | undefined> {
  if (settings.listen.length === 0) return undefined;
  const serial = await soaSerial(store);
  try {
    const dns = await DnsServer.start(settings.listen, {
      zones: new ZoneSet(settings.zones),
      lookup: settings.records.lookup,
      prepared: settings.records,
      serial,
    });
    const names = settings.zones.map((zone) => zone.name).join(', ') || 'no zone';
    log.info(`weir: DNS on ${dns.addresses.join(', ')} (UDP and TCP), authoritative for ${names}`);
    return dns;
  } catch (error) {
    throw new StartupError(`dns.listen: ${(error as Error).message}`);
  }
}

/** proxy.workers as a count: `auto` is one per core. */
function proxyWorkers(workers: number | 'auto'): number {
  return workers === 'auto' ? availableParallelism() : workers;
}

/** A kernel table's services from the last run, kept in place until their load balancers are applied again. */
function restoreKernelTable(file: string, table: { restoreFrom(file: string): void }): void {
  try {
    table.restoreFrom(file);
  } catch (error) {
    throw new StartupError(`${file}: ${(error as Error).message}; remove it to start with an empty kernel table`);
  }
}

/**
 * The members' source NAT from the config, in the kernel before any load balancer is applied; rules a former run
 * wrote and the config no longer has are taken out. Without the rights to program the kernel, nothing is asked of
 * it unless source NAT is configured, and then weir does not start: the members would be cut off from outside.
 */
async function writeSourceNat(rules: readonly SourceNatRule[]): Promise<void> {
  if (!kernelForwardingAvailable()) {
    if (rules.length > 0) throw new StartupError(`nat.source_nat is configured: ${KERNEL_PRIVILEGES_NEEDED}`);
    return;
  }
  try {
    await natTable.setSourceNat(rules);
  } catch (error) {
    throw new StartupError(`nat.source_nat: ${(error as Error).message}`);
  }
}
