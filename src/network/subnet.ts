/**
 * The subnets VIPs are allocated from, in Neutron's words, so `vip_subnet_id` and `vip_network_id` mean what
 * Octavia clients expect. They come from the config file, not the API, and their ids are derived from their names.
 */
import { type Cidr, parseCidr } from './cidr.ts';
import { formatIpAddress, type IpVersion, normaliseIpAddress } from './ip-address.ts';
import { networkIdFor, subnetIdFor } from './stable-id.ts';

export interface AllocationPool {
  readonly start: string;
  readonly end: string;
}

export interface Subnet {
  readonly id: string;
  readonly name: string;
  readonly networkId: string;
  readonly networkName: string;
  /** Canonical CIDR text, e.g. `192.0.2.0/24`. */
  readonly cidr: string;
  readonly ipVersion: IpVersion;
  /** Where automatic VIPs come from, tried in this order. */
  readonly allocationPools: readonly AllocationPool[];
  /** Never handed out as a VIP. */
  readonly gatewayIp: string | null;
  /** The host interface VIPs of this subnet are added to; null lets the data plane choose. */
  readonly interface: string | null;
  /** The projects that see the subnet and may take VIPs on it; null: every project. */
  readonly projects: readonly string[] | null;
}

/** A subnet as the config file writes it (already validated). */
export interface SubnetDefinition {
  name: string;
  cidr: string;
  allocation_pools?: AllocationPool[];
  gateway_ip?: string;
  interface?: string;
  network_name?: string;
  projects?: string[];
}

/** What weir uses when no subnet is configured: loopback VIPs, enough for one machine and for tests. */
export const LOCAL_SUBNET: SubnetDefinition = {
  name: 'local',
  cidr: '127.0.0.0/8',
  allocation_pools: [{ start: '127.0.100.1', end: '127.0.100.254' }],
};

export function resolveSubnets(definitions: readonly SubnetDefinition[]): Subnet[] {
  return (definitions.length > 0 ? definitions : [LOCAL_SUBNET]).map(resolveSubnet);
}

export function resolveSubnet(definition: SubnetDefinition): Subnet {
  const cidr = parseCidr(definition.cidr);
  const networkName = definition.network_name ?? definition.name;
  return Object.freeze({
    id: subnetIdFor(definition.name),
    name: definition.name,
    networkId: networkIdFor(networkName),
    networkName,
    cidr: cidr.text,
    ipVersion: cidr.version,
    allocationPools: Object.freeze(
      (definition.allocation_pools ?? [wholeSubnetPool(cidr)]).map((pool) =>
        Object.freeze({ start: canonical(pool.start), end: canonical(pool.end) }),
      ),
    ),
    gatewayIp: definition.gateway_ip === undefined ? null : canonical(definition.gateway_ip),
    interface: definition.interface ?? null,
    projects: definition.projects === undefined ? null : Object.freeze([...definition.projects]),
  });
}

/** Neutron's default pool: every address but IPv4's network and broadcast, and IPv6's subnet-router anycast. */
function wholeSubnetPool(cidr: Cidr): AllocationPool {
  const reserved = cidr.last - cidr.first >= 2n;
  const first = reserved ? cidr.first + 1n : cidr.first;
  const last = reserved && cidr.version === 4 ? cidr.last - 1n : cidr.last;
  return {
    start: formatIpAddress({ version: cidr.version, value: first }),
    end: formatIpAddress({ version: cidr.version, value: last }),
  };
}

function canonical(text: string): string {
  const address = normaliseIpAddress(text);
  if (address === undefined) throw new RangeError(`"${text}" is not an IP address`);
  return address;
}
