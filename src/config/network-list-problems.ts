/** Lists whose entries are CIDRs or single addresses: each must parse. */
import { parseCidr } from '../network/cidr.ts';
import { parseIpAddress } from '../network/ip-address.ts';
import type { KeyPath, Problem } from './problem.ts';

export function networkListProblems(entries: readonly string[], ...key: KeyPath): Problem[] {
  const problems: Problem[] = [];
  entries.forEach((entry, index) => {
    if (!entry.includes('/')) {
      if (!parseIpAddress(entry)) {
        problems.push({ path: [...key, index], reason: `"${entry}" is neither an IP address nor a CIDR` });
      }
      return;
    }
    try {
      parseCidr(entry);
    } catch (error) {
      problems.push({ path: [...key, index], reason: (error as Error).message });
    }
  });
  return problems;
}
