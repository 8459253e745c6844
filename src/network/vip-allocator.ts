/**
 * Picks a load balancer's VIP on a subnet. Pure: the caller passes the addresses in use and stores the result.
 * Pools are walked from their start, skipping taken addresses, so a /8 or an IPv6 /64 costs at most one step per
 * address in use, never one per address in the range.
 */
import { badRequest, conflict, invalidInput } from '../api/faults.ts';
import { cidrContains, parseCidr } from './cidr.ts';
import { formatIpAddress, normaliseIpAddress, parseIpAddress } from './ip-address.ts';
import type { Subnet } from './subnet.ts';

/**
 * Returns the VIP to use, in canonical form. `inUse` holds the addresses already allocated on the subnet, in any
 * textual form. A requested address may lie outside the allocation pools, as in Neutron, but not outside the CIDR.
 */
export function allocateVip(subnet: Subnet, inUse: ReadonlySet<string>, requested?: string): string {
  const taken = takenAddresses(subnet, inUse);
  return requested === undefined ? firstFree(subnet, taken) : claim(subnet, taken, requested);
}

function claim(subnet: Subnet, taken: ReadonlySet<string>, requested: string): string {
  const address = parseIpAddress(requested);
  if (!address) throw invalidInput('vip_address', requested, 'Not an IP address.');
  const cidr = parseCidr(subnet.cidr);
  const text = formatIpAddress(address);
  if (!cidrContains(cidr, address)) {
    throw badRequest(`IP address ${text} is not a valid IP for subnet ${subnet.id} (${subnet.cidr}).`);
  }
  if (
    cidr.version === 4 &&
    cidr.last - cidr.first >= 2n &&
    (address.value === cidr.first || address.value === cidr.last)
  ) {
    throw badRequest(`IP address ${text} is the network or broadcast address of subnet ${subnet.id} (${subnet.cidr}).`);
  }
  if (taken.has(text)) throw conflict(`IP address ${text} is already allocated on subnet ${subnet.id}.`);
  return text;
}

function firstFree(subnet: Subnet, taken: ReadonlySet<string>): string {
  for (const pool of subnet.allocationPools) {
    const start = parseIpAddress(pool.start)!;
    const end = parseIpAddress(pool.end)!;
    // Each step past `start` skips one taken address, so this ends after at most taken.size + 1 steps.
    for (let value = start.value; value <= end.value; value++) {
      const text = formatIpAddress({ version: start.version, value });
      if (!taken.has(text)) return text;
    }
  }
  throw conflict(`No more IP addresses available on subnet ${subnet.id} (${subnet.name}).`);
}

function takenAddresses(subnet: Subnet, inUse: ReadonlySet<string>): Set<string> {
  const taken = new Set<string>();
  for (const address of inUse) taken.add(normaliseIpAddress(address) ?? address);
  if (subnet.gatewayIp !== null) taken.add(subnet.gatewayIp);
  return taken;
}
