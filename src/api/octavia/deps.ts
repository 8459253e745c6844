import type { HealthTransition } from '../../controller/health-transitions.ts';
import type { ReconcileReport } from '../../controller/reconcile-reports.ts';
import type { DriverCapabilities, TrafficCounters } from '../../dataplanes/driver.ts';
import type { MemberHealth } from '../../health/member-probe-loop.ts';
import type { SecretVault } from '../../key-manager/secret-vault.ts';
import type { Subnet } from '../../network/subnet.ts';
import type { StateStore } from '../../store/state-store.ts';
import type { MemberWalls } from '../../tenancy/member-walls.ts';

/** A provider as the API sees it: a name and what it can carry. The API never holds the driver itself. */
export interface ProviderInfo {
  name: string;
  description: string;
  /** The canonical name of the driver this provider name resolves to. */
  driver: string;
  capabilities: DriverCapabilities;
}

/**
 * Read-only runtime facts the controller maintains for the API: traffic counters, the nodes carrying traffic, and
 * what health checks and reconciliations found, kept in memory on this node.
 */
export interface RuntimeView {
  listenerStats(loadbalancerId: string): Promise<ReadonlyMap<string, TrafficCounters>>;
  nodes(): readonly { id: string; name: string; address: string }[];
  /** What this node's health checks know of a member; undefined when no monitor checks it. */
  memberHealth(memberId: string): MemberHealth | undefined;
  /** The load balancer's recent member health transitions, oldest first. */
  healthTransitions(loadbalancerId: string): readonly HealthTransition[];
  /** How the load balancer's last reconciliation ended, and why its objects went to ERROR; undefined before one. */
  lastReconcile(loadbalancerId: string): ReconcileReport | undefined;
}

export interface QuotaLimits {
  load_balancer: number;
  listener: number;
  pool: number;
  health_monitor: number;
  member: number;
  l7policy: number;
  l7rule: number;
}

export interface OctaviaApiDeps {
  store: StateStore;
  providers: readonly ProviderInfo[];
  /** Providers weir has but this node cannot run, with the reason. */
  unavailableProviders?: ReadonlyMap<string, string>;
  defaultProvider: string;
  subnets: readonly Subnet[];
  runtime: RuntimeView;
  quotaDefaults: QuotaLimits;
  /** Where members may lead: tenancy walls decided from the config (memberWallsFor). */
  memberWalls: MemberWalls;
  /** balancing.maglev_table_size: stored with each new pool, with a random seed. */
  maglevTableSize: number;
  /** The key manager's secrets, sealed with its key: listeners' and pools' references are read through it. */
  vault: SecretVault;
}
