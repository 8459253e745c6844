/** What the schema cannot say about `dns`: listen addresses and names that parse, glue where it belongs, no nesting. */
import { canonicalName, domainNameProblem, isWithin } from '../dns/domain-name.ts';
import { parseIpAddress } from '../network/ip-address.ts';
import { parseListenAddress } from './listen-address.ts';
import type { KeyPath, Problem } from './problem.ts';
import type { ConfigFile } from './schema.ts';

export function dnsProblems(dns: ConfigFile['dns']): Problem[] {
  const problems: Problem[] = [];
  dns.listen.forEach((text, index) => {
    try {
      const { host } = parseListenAddress(text);
      // The first address is what `dns` load balancers report as their vip_address: clients must be able to use it.
      if (index === 0 && (host === '0.0.0.0' || host === '::')) {
        problems.push({
          path: ['dns', 'listen', index],
          reason: `${host} is a wildcard, and dns load balancers report the first address as their vip_address: list an address clients reach first`,
        });
      }
    } catch (error) {
      problems.push({ path: ['dns', 'listen', index], reason: (error as Error).message });
    }
  });
  problems.push(...dns.zones.flatMap((zone, index) => zoneProblems(zone, ['dns', 'zones', index])));
  problems.push(...answerProblems(dns.answers));
  dns.zones.forEach((zone, index) => {
    const name = canonicalName(zone.name);
    const outer = dns.zones.findIndex((other, i) => i !== index && isWithin(name, canonicalName(other.name)));
    if (outer === -1 || domainNameProblem(zone.name) !== undefined) return;
    const same = canonicalName(dns.zones[outer]!.name) === name;
    if (same && outer > index) return;
    problems.push({
      path: ['dns', 'zones', index, 'name'],
      reason: same ? `zone ${name} is listed twice` : `zone ${name} lies inside zone ${dns.zones[outer]!.name}`,
    });
  });
  return problems;
}

function zoneProblems(zone: ConfigFile['dns']['zones'][number], at: KeyPath): Problem[] {
  const problems: Problem[] = [];
  const nameProblem = (text: string, path: KeyPath) => {
    const reason = domainNameProblem(text);
    if (reason !== undefined) problems.push({ path, reason });
    return reason !== undefined;
  };
  const badApex = nameProblem(zone.name, [...at, 'name']);
  nameProblem(zone.hostmaster, [...at, 'hostmaster']);
  const apex = canonicalName(zone.name);
  const glued = new Set(Object.keys(zone.glue).map(canonicalName));
  zone.nameservers.forEach((server, index) => {
    if (nameProblem(server, [...at, 'nameservers', index]) || badApex) return;
    if (isWithin(canonicalName(server), apex) && !glued.has(canonicalName(server))) {
      problems.push({
        path: [...at, 'nameservers', index],
        reason: `${server} lies inside the zone: give its addresses under glue`,
      });
    }
  });
  const nameservers = new Set(zone.nameservers.map(canonicalName));
  for (const [server, addresses] of Object.entries(zone.glue)) {
    const name = canonicalName(server);
    if (!nameservers.has(name)) {
      problems.push({
        path: [...at, 'glue', server],
        reason: `${server} is none of the zone's nameservers`,
        atKey: true,
      });
    } else if (!badApex && !isWithin(name, apex)) {
      problems.push({
        path: [...at, 'glue', server],
        reason: `${server} lies outside the zone: its addresses come from its own zone, not glue`,
        atKey: true,
      });
    }
    addresses.forEach((address, index) => {
      if (!parseIpAddress(address)) {
        problems.push({ path: [...at, 'glue', server, index], reason: `"${address}" is not an IP address` });
      }
    });
  }
  return problems;
}

function answerProblems(answers: ConfigFile['dns']['answers']): Problem[] {
  const at: KeyPath = ['dns', 'answers'];
  const problems: Problem[] = [];
  if (answers.min_ttl > answers.max_ttl) {
    problems.push({
      path: [...at, 'min_ttl'],
      reason: `min_ttl ${answers.min_ttl} exceeds max_ttl ${answers.max_ttl}`,
    });
  }
  answers.fallback.forEach((address, index) => {
    if (!parseIpAddress(address)) {
      problems.push({ path: [...at, 'fallback', index], reason: `"${address}" is not an IP address` });
    }
  });
  if (answers.all_down === 'fallback' && answers.fallback.length === 0) {
    problems.push({ path: [...at, 'all_down'], reason: 'all_down: fallback needs addresses under fallback' });
  }
  if (answers.all_down !== 'fallback' && answers.fallback.length > 0) {
    problems.push({
      path: [...at, 'fallback'],
      reason: `fallback addresses are only answered with all_down: fallback`,
    });
  }
  return problems;
}
