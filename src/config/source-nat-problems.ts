/** What the schema cannot say about `nat.source_nat`: networks and addresses that parse, and a pool for each family. */
import { parseIpAddress } from '../network/ip-address.ts';
import { networkListProblems } from './network-list-problems.ts';
import type { KeyPath, Problem } from './problem.ts';
import type { ConfigFile } from './schema.ts';

export function sourceNatProblems(rules: ConfigFile['nat']['source_nat']): Problem[] {
  return rules.flatMap((rule, index) => {
    const at: KeyPath = ['nat', 'source_nat', index];
    const problems = networkListProblems(rule.sources, ...at, 'sources');
    const families = new Set<number>();
    rule.addresses.forEach((text, i) => {
      const address = parseIpAddress(text);
      if (address) families.add(address.version);
      else problems.push({ path: [...at, 'addresses', i], reason: `"${text}" is not an IP address` });
    });
    if (problems.length > 0) return problems;
    for (const version of [4, 6] as const) {
      const sources = rule.sources.filter((source) => parseIpAddress(source.split('/')[0]!)?.version === version);
      if (sources.length > 0 && !families.has(version)) {
        problems.push({
          path: [...at, 'addresses'],
          reason: `no IPv${version} address for the IPv${version} sources (${sources.join(', ')})`,
        });
      }
    }
    return problems;
  });
}
