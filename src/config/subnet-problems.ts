/**
 * What the schema cannot say about subnets: addresses that parse, pools inside their CIDR and in order,
 * and names that are unique because ids are derived from them.
 */
import { type Cidr, cidrContains, parseCidr } from '../network/cidr.ts';
import { formatIpAddress, type IpAddress, parseIpAddress } from '../network/ip-address.ts';
import type { SubnetDefinition } from '../network/subnet.ts';
import { formatKeyPath, type KeyPath, type Problem } from './problem.ts';

export function subnetProblems(subnets: readonly SubnetDefinition[]): Problem[] {
  const problems: Problem[] = [];
  const firstWithName = new Map<string, number>();
  subnets.forEach((subnet, index) => {
    const at: KeyPath = ['subnets', index];
    const earlier = firstWithName.get(subnet.name);
    if (earlier === undefined) firstWithName.set(subnet.name, index);
    else {
      problems.push({
        path: [...at, 'name'],
        reason: `duplicate subnet name "${subnet.name}", already used by ${formatKeyPath(['subnets', earlier])}`,
      });
    }
    let cidr: Cidr;
    try {
      cidr = parseCidr(subnet.cidr);
    } catch (error) {
      problems.push({ path: [...at, 'cidr'], reason: (error as Error).message });
      return;
    }
    if (subnet.gateway_ip !== undefined) addressInside(cidr, subnet.gateway_ip, [...at, 'gateway_ip'], problems);
    const pools: { start: bigint; end: bigint; index: number }[] = [];
    subnet.allocation_pools?.forEach((pool, poolIndex) => {
      const poolAt: KeyPath = [...at, 'allocation_pools', poolIndex];
      const start = addressInside(cidr, pool.start, [...poolAt, 'start'], problems);
      const end = addressInside(cidr, pool.end, [...poolAt, 'end'], problems);
      if (!start || !end) return;
      if (start.value > end.value) {
        problems.push({ path: poolAt, reason: `start ${pool.start} is after end ${pool.end}` });
        return;
      }
      const overlapping = pools.find((other) => start.value <= other.end && other.start <= end.value);
      if (overlapping) {
        problems.push({
          path: poolAt,
          reason: `overlaps ${formatKeyPath([...at, 'allocation_pools', overlapping.index])}`,
        });
      }
      pools.push({ start: start.value, end: end.value, index: poolIndex });
    });
  });
  return problems;
}

function addressInside(cidr: Cidr, text: string, path: KeyPath, problems: Problem[]): IpAddress | undefined {
  const address = parseIpAddress(text);
  if (!address) {
    problems.push({ path, reason: `"${text}" is not an IP address` });
    return undefined;
  }
  if (!cidrContains(cidr, address)) {
    problems.push({ path, reason: `${formatIpAddress(address)} is outside the subnet's CIDR ${cidr.text}` });
    return undefined;
  }
  return address;
}
