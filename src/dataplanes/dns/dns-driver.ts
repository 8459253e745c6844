/** The `dns` provider: each load balancer publishes its name in weir's DNS server, answered with its members. */
import { canonicalName, domainNameProblem } from '../../dns/domain-name.ts';
import { ZoneSet } from '../../dns/zone-set.ts';
import type { LoadBalancerSpec } from '../../model/load-balancer-spec.ts';
import type {
  DataPlaneDriver,
  DnsSettings,
  DriverCapabilities,
  DriverFactory,
  NamePublishing,
  TrafficCounters,
} from '../driver.ts';
import type { AnswerPolicy } from './answer-policy.ts';
import { HeldNames } from './held-names.ts';
import { loadBalancerNames } from './load-balancer-names.ts';

/** Why `name` cannot be published by a load balancer of `projectId` in `zones`, or undefined. */
function nameProblem(zones: ZoneSet, name: string, projectId: string): string | undefined {
  const invalid = domainNameProblem(name);
  if (invalid !== undefined) return `name ${invalid}`;
  const zone = zones.zoneOf(canonicalName(name));
  if (zone === undefined) return `name "${name}" is in no DNS zone weir serves`;
  if (zone.glue.has(canonicalName(name))) return `name "${name}" is a nameserver of zone ${zone.name}`;
  if (zone.projects !== undefined && !zone.projects.includes(projectId)) {
    return `name "${name}": zone ${zone.name} does not take names of project ${projectId}`;
  }
  return undefined;
}

function capabilitiesFor(zones: ZoneSet, settings: DnsSettings): DriverCapabilities {
  const publishesName: NamePublishing = {
    nameProblem: (name, projectId) => nameProblem(zones, name, projectId),
    vipAddress: settings.listen[0]!.host,
  };
  return {
    // Listeners only say which pools' members answer: nothing listens on their ports.
    listenerProtocols: ['TCP', 'UDP', 'HTTP', 'HTTPS'],
    poolProtocols: ['TCP', 'UDP', 'HTTP', 'HTTPS'],
    // ROUND_ROBIN: weighted random order per query; SOURCE_IP: sticky per client (name-records.ts). A DNS server
    // sees neither connections nor client ports, so LEAST_CONNECTIONS and SOURCE_IP_PORT would promise nothing.
    algorithms: ['ROUND_ROBIN', 'SOURCE_IP'],
    persistenceTypes: [],
    monitorTypes: ['HTTP', 'HTTPS', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'PING'],
    l7Policies: false,
    listenerConnectionLimit: false,
    portTranslation: true,
    // Weight 0 takes a member out of new answers while resolvers' cached ones run out: DNS's drain.
    memberDrain: true,
    flavorCapabilities: [],
    availabilityZoneCapabilities: [],
    healthChecks: 'weir',
    publishesName,
  };
}

class DnsDriver implements DataPlaneDriver {
  readonly name = 'dns';
  readonly description = dnsDriver.description;
  readonly capabilities: DriverCapabilities;
  private readonly zones: ZoneSet;
  private readonly names: HeldNames;
  private readonly policy: AnswerPolicy;
  private readonly specs = new Map<string, LoadBalancerSpec>();
  /** Members health checks found down, per load balancer. */
  private readonly down = new Map<string, Set<string>>();

  constructor(settings: DnsSettings) {
    this.zones = new ZoneSet(settings.zones);
    this.names = new HeldNames(settings.records, (id) => this.publish(id));
    this.policy = settings.answers;
    this.capabilities = capabilitiesFor(this.zones, settings);
  }

  async apply(spec: LoadBalancerSpec): Promise<void> {
    const name = canonicalName(spec.name);
    const problem = nameProblem(this.zones, spec.name, spec.projectId);
    if (problem !== undefined) throw new Error(problem);
    const owner = this.names.mainHolder(name);
    if (owner !== undefined && owner !== spec.id) throw new Error(`name "${spec.name}" is published by ${owner}`);
    this.specs.set(spec.id, spec);
    this.publish(spec.id);
  }

  async remove(loadbalancerId: string): Promise<void> {
    this.specs.delete(loadbalancerId);
    this.down.delete(loadbalancerId);
    this.names.remove(loadbalancerId);
  }

  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void {
    const down = this.down.get(loadbalancerId) ?? new Set<string>();
    this.down.set(loadbalancerId, down);
    if (up) down.delete(memberId);
    else down.add(memberId);
    this.publish(loadbalancerId);
  }

  async listenerStats(): Promise<ReadonlyMap<string, TrafficCounters>> {
    return new Map();
  }

  async close(): Promise<void> {
    for (const id of [...this.specs.keys()]) await this.remove(id);
  }

  /** Recomputes the load balancer's names and their records: queries then only read them. */
  private publish(loadbalancerId: string): void {
    const spec = this.specs.get(loadbalancerId);
    if (spec === undefined) return;
    const names = loadBalancerNames(spec, this.down.get(loadbalancerId) ?? new Set<string>(), this.policy);
    // Sub-names too long for a domain name, or in a zone below that takes no names of the project, are left out.
    const subNames = new Map(
      [...names.subNames].filter(([name]) => nameProblem(this.zones, name, spec.projectId) === undefined),
    );
    this.names.set(loadbalancerId, { ...names, subNames });
  }
}

export const dnsDriver: DriverFactory = {
  name: 'dns',
  aliases: [],
  description: "Publishes each load balancer's name in weir's DNS server, answered with its healthy members.",
  unavailable: (settings) => {
    if (!settings.dns || settings.dns.listen.length === 0) return 'dns.listen names no address to answer on.';
    if (settings.dns.zones.length === 0) return 'dns.zones names no zone to publish names in.';
    return undefined;
  },
  create: (settings) => new DnsDriver(settings.dns!),
};
