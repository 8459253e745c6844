import { isIPv6 } from 'node:net';
import type { CounterValue } from './nat-counters.ts';
import { counterName } from './nat-ruleset.ts';

/**
 * One listener on one VIP as direct server return forwards it: frames for VIP:port arriving on `ingress` get this
 * node's MAC as source and a member's MAC as destination and leave through `egress`, packets untouched.
 */
export interface DsrService {
  /** Its chain's name: unique in the table, letters, digits and underscores. */
  name: string;
  vip: string;
  protocol: 'tcp' | 'udp';
  port: number;
  /** The interface the VIP's traffic arrives on. */
  ingress: string;
  /** The members' interface and this node's MAC on it; null when no member can take flows. */
  egress: { device: string; mac: string } | null;
  /** What a flow's slot is hashed from: the client's address, or its address and port (the whole 5-tuple). */
  pick: 'source-ip' | 'source-ip-port';
  seed: number;
  /** Sources allowed, of the VIP's family; null: every source. */
  allowedCidrs: readonly string[] | null;
  /** The MACs of the members that take flows. */
  members: readonly string[];
  /** Slot -> index into `members`: each flow's hash picks a slot. Empty: flows are dropped. */
  slots: readonly number[];
}

export const DSR_TABLE = 'weir_dsr';

/** The counters of each service: packets and bytes sent on to members, TCP connections opened, packets refused. */
export const DSR_COUNTERS = ['in', 'new', 'refused'] as const;

/**
 * The whole `netdev weir_dsr` table as one `nft -f` script that replaces it atomically: an ingress chain per
 * interface VIP traffic arrives on dispatches through verdict maps keyed by VIP, protocol and port to each service's
 * chain, which rewrites the frame's MACs and forwards it (`fwd` exists only in the netdev family). Nothing keeps
 * per-connection state here, so a flow's member comes from a hash of the packet's own fields, never from chance.
 */
export function renderDsrTable(
  services: readonly DsrService[],
  /** Counter values to start from, so that rewriting the table does not reset them. */
  carried: ReadonlyMap<string, CounterValue> = new Map(),
): string {
  const lines = [`table netdev ${DSR_TABLE} {}`, `delete table netdev ${DSR_TABLE}`, `table netdev ${DSR_TABLE} {`];
  for (const service of services) {
    for (const counter of DSR_COUNTERS) {
      const name = counterName(service.name, counter);
      const value = carried.get(name);
      lines.push(`  counter ${name} {${value ? ` packets ${value.packets} bytes ${value.bytes} ` : ''}}`);
    }
  }
  const devices = [...new Set(services.map((s) => s.ingress))].sort();
  devices.forEach((device, index) => {
    const arriving = services.filter((s) => s.ingress === device);
    for (const family of [4, 6] as const) {
      const elements = arriving
        .filter((s) => familyOf(s.vip) === family)
        .map((s) => `${s.vip} . ${s.protocol} . ${s.port} : goto ${s.name}`);
      lines.push(
        `  map services${family}_${index} {`,
        `    type ipv${family}_addr . inet_proto . inet_service : verdict`,
        ...(elements.length > 0 ? [`    elements = { ${elements.join(', ')} }`] : []),
        '  }',
      );
    }
    lines.push(
      `  chain ingress_${index} {`,
      `    type filter hook ingress device ${JSON.stringify(device)} priority 0; policy accept;`,
      `    ip daddr . meta l4proto . th dport vmap @services4_${index}`,
      `    ip6 daddr . meta l4proto . th dport vmap @services6_${index}`,
      '  }',
    );
  });
  for (const service of services) lines.push(`  chain ${service.name} {`, ...serviceRules(service), '  }');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function serviceRules(service: DsrService): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const refuse = `counter name "${counterName(service.name, 'refused')}" drop`;
  if (service.allowedCidrs?.length === 0 || !service.egress || service.slots.length === 0) return [`    ${refuse}`];
  const rules: string[] = [];
  if (service.allowedCidrs) rules.push(`    ${ip} saddr != { ${service.allowedCidrs.join(', ')} } ${refuse}`);
  rules.push(`    counter name "${counterName(service.name, 'in')}"`);
  if (service.protocol === 'tcp') {
    rules.push(`    tcp flags & (syn | ack) == syn counter name "${counterName(service.name, 'new')}"`);
  }
  const key = service.pick === 'source-ip' ? `${ip} saddr` : `${ip} saddr . ${service.protocol} sport`;
  const seed = `seed 0x${(service.seed >>> 0).toString(16)}`;
  const targets = service.slots.map((member, slot) => `${slot} : ${service.members[member]}`).join(', ');
  // Without a new source MAC the switch would learn the client's router on this node's port and send it our frames.
  rules.push(
    `    ether saddr set ${service.egress.mac} ether daddr set jhash ${key} mod ${service.slots.length} ${seed} ` +
      `map { ${targets} } fwd to ${JSON.stringify(service.egress.device)}`,
  );
  return rules;
}

const familyOf = (address: string): 4 | 6 => (isIPv6(address) ? 6 : 4);
