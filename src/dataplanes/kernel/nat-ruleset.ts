import { isIPv6 } from 'node:net';

/** One listener as the kernel forwards it: packets to VIP:port are DNATed to a backend chosen per flow. */
export interface NatService {
  /** Its chain's name: unique in the table, letters, digits and underscores. */
  name: string;
  vip: string;
  protocol: 'tcp' | 'udp';
  port: number;
  /** What chooses a flow's backend: chance, or a hash of the client's address (and port) that keeps it sticky. */
  pick: 'random' | 'source-ip' | 'source-ip-port';
  seed: number;
  /** Sources allowed; empty: every source. */
  allowedCidrs: readonly string[];
  /** Weighted; empty: new flows are dropped. */
  backends: readonly { address: string; port: number; weight: number }[];
}

export const NAT_TABLE = 'weir';

/**
 * The whole `inet weir` table for these services, as one `nft -f` script that replaces the table atomically:
 * lookups go through one verdict map per address family keyed by VIP, protocol and port (as kube-proxy's nftables
 * mode does), so a packet's cost does not grow with the number of services; each service's chain then picks a
 * backend from a slot map (weights are slot counts) and DNATs to it. Both the prerouting hook (traffic routed
 * through this node) and the output hook (clients on this node) dispatch. No source NAT: members see the client.
 */
export function renderNatTable(services: readonly NatService[]): string {
  const lines = [`table inet ${NAT_TABLE} {}`, `delete table inet ${NAT_TABLE}`, `table inet ${NAT_TABLE} {`];
  for (const family of [4, 6] as const) {
    const elements = services
      .filter((s) => familyOf(s.vip) === family)
      .map((s) => `${s.vip} . ${s.protocol} . ${s.port} : goto ${s.name}`);
    lines.push(
      `  map services${family} {`,
      `    type ipv${family}_addr . inet_proto . inet_service : verdict`,
      ...(elements.length > 0 ? [`    elements = { ${elements.join(', ')} }`] : []),
      '  }',
    );
  }
  const dispatch = [
    '    ip daddr . meta l4proto . th dport vmap @services4',
    '    ip6 daddr . meta l4proto . th dport vmap @services6',
  ];
  lines.push(
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...dispatch,
    '  }',
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    ...dispatch,
    '  }',
  );
  for (const service of services) lines.push(`  chain ${service.name} {`, ...serviceRules(service), '  }');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function serviceRules(service: NatService): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const rules: string[] = [];
  if (service.allowedCidrs.length > 0) rules.push(`    ${ip} saddr != { ${service.allowedCidrs.join(', ')} } drop`);
  const slots = slotsOf(service.backends);
  if (slots.length === 0) return [...rules, '    drop'];
  const map = slots.map((b, i) => `${i} : ${b.address} . ${b.port}`).join(', ');
  rules.push(
    `    meta l4proto ${service.protocol} dnat ${ip} to ${pickExpression(service, ip, slots.length)} map { ${map} }`,
  );
  return rules;
}

function pickExpression(service: NatService, ip: 'ip' | 'ip6', slots: number): string {
  const seed = `seed 0x${(service.seed >>> 0).toString(16)}`;
  if (service.pick === 'source-ip') return `jhash ${ip} saddr mod ${slots} ${seed}`;
  if (service.pick === 'source-ip-port') return `jhash ${ip} saddr . th sport mod ${slots} ${seed}`;
  return `numgen random mod ${slots}`;
}

/** Each backend repeated by its weight, weights first divided by their greatest common divisor. */
function slotsOf(backends: NatService['backends']): NatService['backends'] {
  const weighted = backends.filter((b) => b.weight > 0);
  const divisor = weighted.reduce((d, b) => gcd(d, b.weight), 0) || 1;
  return weighted.flatMap((b) => Array.from({ length: b.weight / divisor }, () => b));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

const familyOf = (address: string): 4 | 6 => (isIPv6(address) ? 6 : 4);
