/**
 * Where a member may lead. On a shared data plane a member is a connection weir opens from its own node on a
 * tenant's behalf, so it must not reach that node (loopback), its link (cloud metadata), weir's own API or store,
 * or networks the operator walls off. Addresses are judged by where they lead: an IPv4-mapped IPv6 address as the
 * IPv4 address it embeds.
 */
import type { Cidr } from '../network/cidr.ts';
import type { IpAddress } from '../network/ip-address.ts';
import { unmapIpv4 } from '../network/ipv4-mapped.ts';
import {
  LIMITED_BROADCAST,
  LINK_LOCAL,
  LOOPBACK,
  MULTICAST,
  networkHolding,
  UNSPECIFIED,
} from '../network/special-networks.ts';

/** An address and port weir itself serves or uses; an unspecified address stands for every local address. */
export interface OwnEndpoint {
  address: IpAddress;
  port: number;
  /** What is there, as a refusal names it: "weir's API". */
  name: string;
}

/** The walls in force, decided from the config once (memberWallsFor). */
export interface MemberWalls {
  allowLoopback: boolean;
  allowLinkLocal: boolean;
  /** The operator's denied networks, IPv4-mapped ones as IPv4. */
  deniedNetworks: readonly Cidr[];
  /** Normalised absolute directories socket members must lie under; empty: no socket members. */
  unixSocketDirectories: readonly string[];
  /** Read at each check: the API's port is known only once it listens. */
  ownEndpoints(): readonly OwnEndpoint[];
  /** Whether the address is one of this host's, for endpoints listening on every address. */
  isLocalAddress(address: IpAddress): boolean;
}

const ALWAYS_REFUSED: [readonly Cidr[], string][] = [
  [UNSPECIFIED, 'it is an unspecified address'],
  [MULTICAST, 'it is a multicast address'],
  [LIMITED_BROADCAST, 'it is the broadcast address'],
];

/** Why a member may not connect to `address` on `port`, or undefined when it may. */
export function ipMemberRefusal(walls: MemberWalls, address: IpAddress, port: number): string | undefined {
  for (const [networks, reason] of ALWAYS_REFUSED) if (networkHolding(networks, address)) return reason;
  if (!walls.allowLoopback && networkHolding(LOOPBACK, address)) {
    return "it is a loopback address, which leads to the load balancer's own host";
  }
  if (!walls.allowLinkLocal && networkHolding(LINK_LOCAL, address)) {
    return 'it is a link-local address, where cloud metadata services answer';
  }
  const denied = networkHolding(walls.deniedNetworks, address);
  if (denied) return `it lies in ${denied.text}, a network members may not reach`;
  const target = unmapIpv4(address);
  const own = walls.ownEndpoints().find((endpoint) => endpoint.port === port && reaches(walls, endpoint, target));
  if (own) return `port ${port} there is ${own.name}`;
  return undefined;
}

/** Whether connecting to `target` on the endpoint's port would reach the endpoint. */
function reaches(walls: MemberWalls, endpoint: OwnEndpoint, target: IpAddress): boolean {
  const listening = unmapIpv4(endpoint.address);
  if (networkHolding(UNSPECIFIED, listening)) {
    // 0.0.0.0 takes every local IPv4 address; :: is dual-stack (Node's default), so it takes IPv4 as well.
    return (listening.version === 6 || target.version === 4) && walls.isLocalAddress(target);
  }
  return listening.version === target.version && listening.value === target.value;
}
