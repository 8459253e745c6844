/** Checks the schema cannot express: values that must parse, and settings another setting requires. */

import { overrideProblems } from '../api/policy/policy.ts';
import { assertMaglevOptions } from '../balancing/maglev-table.ts';
import { dnsProblems } from './dns-problems.ts';
import { parseListenAddress } from './listen-address.ts';
import { networkListProblems } from './network-list-problems.ts';
import { plaintextTokenProblems } from './plaintext-token-problems.ts';
import type { Problem } from './problem.ts';
import type { ConfigFile } from './schema.ts';
import { sourceNatProblems } from './source-nat-problems.ts';
import { subnetProblems } from './subnet-problems.ts';

export function semanticProblems(config: ConfigFile): Problem[] {
  const problems: Problem[] = [];
  try {
    parseListenAddress(config.server.listen);
  } catch (error) {
    problems.push({ path: ['server', 'listen'], reason: (error as Error).message });
  }
  if (config.server.auth === 'keystone' && config.keystone === undefined) {
    problems.push({ path: ['keystone'], reason: 'required when server.auth is keystone' });
  }
  if (config.store.driver === 'postgres' && config.store.postgres === undefined) {
    problems.push({ path: ['store', 'postgres'], reason: 'required when driver is postgres' });
  }
  try {
    assertMaglevOptions({ tableSize: config.balancing.maglev_table_size, seed: 0 });
  } catch (error) {
    problems.push({ path: ['balancing', 'maglev_table_size'], reason: (error as Error).message });
  }
  problems.push(...plaintextTokenProblems(config));
  problems.push(...subnetProblems(config.subnets));
  for (const { rule, reason } of overrideProblems(config.policy)) problems.push({ path: ['policy', rule], reason });
  problems.push(...networkListProblems(config.trusted_proxies, 'trusted_proxies'));
  problems.push(...networkListProblems(config.tenancy.denied_member_cidrs, 'tenancy', 'denied_member_cidrs'));
  problems.push(...sourceNatProblems(config.nat.source_nat));
  problems.push(...dnsProblems(config.dns));
  return problems;
}
