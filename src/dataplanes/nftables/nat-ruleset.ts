import { isIPv6 } from 'node:net';
import { SOURCE_NAT_HOOK, type SourceNatRule, sourceNatRules } from './source-nat-ruleset.ts';

/** One listener as the kernel forwards it: packets to VIP:port are DNATed to a backend chosen per flow. */
export interface NatService {
  /** Its chain's name: unique in the table, letters, digits and underscores. */
  name: string;
  vip: string;
  protocol: 'tcp' | 'udp';
  port: number;
  /**
   * What chooses a flow's backend: chance, over the backends repeated by weight, or a hash of the client's address
   * (and port) under `seed` into `table`, which keeps a client on its backend while it stays.
   */
  pick: 'random' | 'source-ip' | 'source-ip-port';
  seed: number;
  /** Sources allowed, of the VIP's family; null: every source. */
  allowedCidrs: readonly string[] | null;
  /** Weighted for `random`; empty: new flows are dropped. */
  backends: readonly { address: string; port: number; weight: number }[];
  /**
   * For the hashing picks: the pool's Maglev table (`maglevSlots`), slot -> index into `backends`, its length the
   * hash's modulus; empty: new flows are dropped.
   */
  table?: readonly number[];
  /**
   * No connection tracking: every packet is translated on its own by `table` (always given, a hashing pick), so any
   * node holding the same table forwards any packet of a flow; the members' answers are translated back by matching
   * their address and port, so a member's address and port may serve only one stateless service.
   */
  stateless?: boolean;
  /**
   * The listener's connection_limit: flows beyond it are dropped at their first packet, so a TCP client's SYN is
   * retried and gets in once a flow has closed. Counted per service, hence per VIP address.
   */
  connectionLimit?: number;
}

export const NAT_TABLE = 'weir';

/**
 * The whole `inet weir` table for these services, as one `nft -f` script that replaces the table atomically:
 * lookups go through one verdict map per address family keyed by VIP, protocol and port (as kube-proxy's nftables
 * mode does), so a packet's cost does not grow with the number of services; each service's chain then picks a
 * backend from a slot map (weights are slot counts, or the pool's Maglev table for the hashing picks) and DNATs to
 * it. Both the prerouting hook (traffic routed
 * through this node) and the output hook (clients on this node) dispatch. No source NAT: members see the client.
 * Each service also has named counters (COUNTERS), which filter chains around the translation feed.
 */
export function renderNatTable(
  services: readonly NatService[],
  /** Counter values to start from, so that rewriting the table does not reset them. */
  carried: ReadonlyMap<string, { packets: number; bytes: number }> = new Map(),
  /** The members' own outbound flows, translated to the node's public addresses (`nat.source_nat`). */
  sourceNat: readonly SourceNatRule[] = [],
): string {
  const lines = [`table inet ${NAT_TABLE} {}`, `delete table inet ${NAT_TABLE}`, `table inet ${NAT_TABLE} {`];
  for (const service of services) {
    for (const counter of COUNTERS) {
      const name = counterName(service.name, counter);
      const value = carried.get(name);
      lines.push(`  counter ${name} {${value ? ` packets ${value.packets} bytes ${value.bytes} ` : ''}}`);
    }
  }
  const stateless = services.filter((s) => s.stateless === true);
  const tables = services.filter(hasTable).filter((s) => s.stateless !== true);
  const statelessTables = stateless.filter(hasTable);
  lines.push(...tables.flatMap(slotMap), ...statelessTables.flatMap(statelessMaps));
  const key = (s: NatService) => `${s.vip} . ${s.protocol} . ${s.port}`;
  const replies = replySources(stateless);
  for (const family of [4, 6] as const) {
    const mine = services.filter((s) => familyOf(s.vip) === family && s.stateless !== true);
    const mineStateless = stateless.filter((s) => familyOf(s.vip) === family);
    const myReplies = replies.filter((r) => familyOf(r.address) === family);
    lines.push(
      ...map(
        `services${family}`,
        family,
        'verdict',
        mine.map((s) => `${key(s)} : goto ${s.name}`),
      ),
      ...map(
        `bytes_in${family}`,
        family,
        'counter',
        mine.map((s) => `${key(s)} : "${counterName(s.name, 'in')}"`),
      ),
      ...map(
        `bytes_out${family}`,
        family,
        'counter',
        mine.map((s) => `${key(s)} : "${counterName(s.name, 'out')}"`),
      ),
      ...map(
        `stateless${family}`,
        family,
        'verdict',
        mineStateless.map((s) => `${key(s)} : goto ${s.name}`),
      ),
      ...map(
        `replies${family}`,
        family,
        'verdict',
        myReplies.map((r) => `${r.key} : goto ${replyChainName(r.service)}`),
      ),
      ...set(
        `reply_sources${family}`,
        family,
        myReplies.map((r) => r.key),
      ),
    );
  }
  const both = (rule: (ip: string, family: 4 | 6) => string) => [`    ${rule('ip', 4)}`, `    ${rule('ip6', 6)}`];
  const dispatch = both((ip, f) => `${ip} daddr . meta l4proto . th dport vmap @services${f}`);
  // Client bytes are counted before the translation, answers after it is undone; a packet looped back through `lo`
  // passes the hooks twice, so its second pass (input from lo) is not counted again.
  const bytesIn = both((ip, f) => `counter name ${ip} daddr . meta l4proto . th dport map @bytes_in${f}`);
  const bytesOut = both((ip, f) => `counter name ${ip} saddr . meta l4proto . th sport map @bytes_out${f}`);
  lines.push(
    // Before conntrack (raw): a client's packet is translated and left untracked, and so is a member's answer, which
    // is translated back only after routing, since a packet from the VIP, an address of this node, would be dropped
    // as a martian on the way in.
    ...chain(
      'stateless_in',
      'type filter hook prerouting priority raw; policy accept;',
      both((ip, f) => `${ip} daddr . meta l4proto . th dport vmap @stateless${f}`).concat(
        both((ip, f) => `${ip} saddr . meta l4proto . th sport @reply_sources${f} notrack`),
      ),
    ),
    ...chain(
      'stateless_out',
      'type filter hook postrouting priority srcnat; policy accept;',
      both((ip, f) => `${ip} saddr . meta l4proto . th sport vmap @replies${f}`),
    ),
    ...chain('prerouting', 'type nat hook prerouting priority dstnat; policy accept;', dispatch),
    ...chain('output', 'type nat hook output priority -100; policy accept;', dispatch),
    ...chain('hairpin', 'type nat hook postrouting priority srcnat; policy accept;', services.flatMap(hairpin)),
    ...(sourceNat.length > 0 ? chain('source_nat', SOURCE_NAT_HOOK, sourceNatRules(sourceNat)) : []),
    ...chain('count_in', 'type filter hook prerouting priority -150; policy accept;', bytesIn),
    ...chain('count_in_local', 'type filter hook output priority -150; policy accept;', bytesIn),
    ...chain('count_out', 'type filter hook postrouting priority 200; policy accept;', bytesOut),
    ...chain(
      'count_out_local',
      'type filter hook input priority 200; policy accept;',
      bytesOut.map((rule) => rule.replace('counter name', 'iif != "lo" counter name')),
    ),
  );
  for (const service of services) {
    if (service.stateless !== true) lines.push(...chain(service.name, null, serviceRules(service)));
    else
      lines.push(
        ...chain(service.name, null, statelessRules(service)),
        ...chain(replyChainName(service), null, replyRules(service)),
      );
  }
  lines.push('}');
  for (const service of tables) lines.push(...slotElements(service));
  for (const service of statelessTables) lines.push(...statelessElements(service));
  return `${lines.join('\n')}\n`;
}

/** The named counters of each service: bytes from clients and to them, flows started, flows refused. */
export const COUNTERS = ['in', 'out', 'new', 'refused'] as const;
export type NatCounter = (typeof COUNTERS)[number];
export const counterName = (service: string, counter: NatCounter): string => `${service}_${counter}`;

function map(name: string, family: 4 | 6, value: 'verdict' | 'counter', elements: string[]): string[] {
  return [
    `  map ${name} {`,
    `    type ipv${family}_addr . inet_proto . inet_service : ${value}`,
    ...(elements.length > 0 ? [`    elements = { ${elements.join(', ')} }`] : []),
    '  }',
  ];
}

function set(name: string, family: 4 | 6, elements: string[]): string[] {
  return [
    `  set ${name} {`,
    `    type ipv${family}_addr . inet_proto . inet_service`,
    ...(elements.length > 0 ? [`    elements = { ${elements.join(', ')} }`] : []),
    '  }',
  ];
}

function chain(name: string, hook: string | null, rules: string[]): string[] {
  return [`  chain ${name} {`, ...(hook ? [`    ${hook}`] : []), ...rules, '  }'];
}

/**
 * A member calling its own service's VIP would get its answer straight from the other member, not through weir: the
 * flow is masqueraded instead, so the answer comes back through weir, and that member sees weir's address.
 */
function hairpin(service: NatService): string[] {
  const members = [...new Set(service.backends.map((b) => b.address))];
  if (members.length === 0) return [];
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  return [`    ct status dnat ct original ${ip} daddr ${service.vip} ${ip} saddr { ${members.join(', ')} } masquerade`];
}

/** Runs for the first packet of each flow only: the nat hooks see no other. */
function serviceRules(service: NatService): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const refuse = `counter name "${counterName(service.name, 'refused')}" drop`;
  const rules: string[] = [];
  if (service.allowedCidrs?.length === 0) return [`    ${refuse}`];
  if (service.allowedCidrs) rules.push(`    ${ip} saddr != { ${service.allowedCidrs.join(', ')} } ${refuse}`);
  if (service.connectionLimit !== undefined) rules.push(`    ct count over ${service.connectionLimit} ${refuse}`);
  const started = `    meta l4proto ${service.protocol} counter name "${counterName(service.name, 'new')}" dnat ${ip} to`;
  if (service.pick !== 'random') {
    if (!hasTable(service)) return [...rules, `    ${refuse}`];
    rules.push(`${started} ${hashOf(service, ip)} map @${slotMapName(service)}`);
    return rules;
  }
  const slots = slotsOf(service.backends);
  if (slots.length === 0) return [...rules, `    ${refuse}`];
  const targets = slots.map((b, i) => `${i} : ${b.address} . ${b.port}`).join(', ');
  rules.push(`${started} numgen random mod ${slots.length} map { ${targets} }`);
  return rules;
}

const hasTable = (service: NatService): service is NatService & { table: readonly number[] } =>
  service.pick !== 'random' && (service.table?.length ?? 0) > 0;

const slotMapName = (service: NatService) => `${service.name}_slots`;

/**
 * A hashing service's Maglev table is a named map, declared `typeof numgen` (a `typeof jhash` map makes nft 1.0.6's
 * `nft list ruleset` crash) and filled after the table by SLOT_CHUNK elements per statement: one statement of 65537
 * elements would be one huge line for nft to parse.
 */
function slotMap(service: NatService & { table: readonly number[] }): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  return [
    `  map ${slotMapName(service)} {`,
    `    typeof numgen random mod ${service.table.length} : ${ip} daddr . th dport`,
    '  }',
  ];
}

function slotElements(service: NatService & { table: readonly number[] }): string[] {
  const targets = service.backends.map((b) => `${b.address} . ${b.port}`);
  return chunkedElements(slotMapName(service), service.table, (b) => targets[b]!);
}

/** A slot map's elements, slot -> what `value` makes of the slot's backend, SLOT_CHUNK per statement. */
function chunkedElements(map: string, table: readonly number[], value: (backend: number) => string): string[] {
  const lines: string[] = [];
  for (let start = 0; start < table.length; start += SLOT_CHUNK) {
    const chunk = table.slice(start, start + SLOT_CHUNK).map((b, i) => `${start + i} : ${value(b)}`);
    lines.push(`add element inet ${NAT_TABLE} ${map} { ${chunk.join(', ')} }`);
  }
  return lines;
}

/** The slot of a packet of a hashing service: its client's address (and port) hashed under the pool's seed. */
function hashOf(service: NatService & { table: readonly number[] }, ip: 'ip' | 'ip6'): string {
  const key = service.pick === 'source-ip' ? `${ip} saddr` : `${ip} saddr . th sport`;
  return `jhash ${key} mod ${service.table.length} seed 0x${(service.seed >>> 0).toString(16)}`;
}

const SLOT_CHUNK = 4096;

/** At most this many slots per `random` service: finer shares than 1/1024 are not worth a larger map and slower loads. */
const MAX_SLOTS = 1024;

/**
 * Each backend repeated by its weight, weights first divided by their greatest common divisor and, when they still
 * add up to more than MAX_SLOTS, scaled down to it (every backend keeping at least one slot).
 */
function slotsOf(backends: NatService['backends']): NatService['backends'] {
  const weighted = backends.filter((b) => b.weight > 0);
  const divisor = weighted.reduce((d, b) => gcd(d, b.weight), 0) || 1;
  const total = weighted.reduce((sum, b) => sum + b.weight / divisor, 0);
  const scale = total > MAX_SLOTS ? MAX_SLOTS / total : 1;
  return weighted.flatMap((b) =>
    Array.from({ length: Math.max(1, Math.round((b.weight / divisor) * scale)) }, () => b),
  );
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

const familyOf = (address: string): 4 | 6 => (isIPv6(address) ? 6 : 4);

/** A member's address, protocol and port, as its answers carry them, and the stateless service it answers for. */
interface ReplySource {
  key: string;
  address: string;
  service: NatService;
}

/** Throws when a member answers for two stateless services: its answers could not say which VIP to come from. */
function replySources(services: readonly NatService[]): ReplySource[] {
  const seen = new Map<string, NatService>();
  for (const service of services) {
    for (const backend of service.backends) {
      const key = `${backend.address} . ${service.protocol} . ${backend.port}`;
      const other = seen.get(key);
      if (other && other !== service) {
        throw new Error(
          `member ${backend.address} port ${backend.port} (${service.protocol}) serves two stateless listeners, ` +
            `${other.vip} port ${other.port} and ${service.vip} port ${service.port}: its answers cannot tell which VIP ` +
            'to come from; give each a member port of its own',
        );
      }
      seen.set(key, service);
    }
  }
  return [...seen].map(([key, service]) => ({ key, address: key.split(' ')[0]!, service }));
}

const replyChainName = (service: NatService) => `${service.name}_reply`;
const addressMapName = (service: NatService) => `${service.name}_addrs`;
const portMapName = (service: NatService) => `${service.name}_ports`;

/** Members' ports, when they differ: a port map beside the address map; else the one port is written in the rule. */
function singlePort(service: NatService): number | undefined {
  const ports = new Set(service.backends.map((b) => b.port));
  return ports.size === 1 ? [...ports][0] : undefined;
}

function statelessMaps(service: NatService & { table: readonly number[] }): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const size = service.table.length;
  const maps = [`  map ${addressMapName(service)} {`, `    typeof numgen random mod ${size} : ${ip} daddr`, '  }'];
  if (singlePort(service) !== undefined) return maps;
  return [
    ...maps,
    `  map ${portMapName(service)} {`,
    `    typeof numgen random mod ${size} : ${service.protocol} dport`,
    '  }',
  ];
}

function statelessElements(service: NatService & { table: readonly number[] }): string[] {
  const lines = chunkedElements(addressMapName(service), service.table, (b) => service.backends[b]!.address);
  if (singlePort(service) !== undefined) return lines;
  return [...lines, ...chunkedElements(portMapName(service), service.table, (b) => String(service.backends[b]!.port))];
}

/**
 * Every packet of a client's flow: refused, or counted and sent to the member its hash picks, untracked. New flows
 * are counted by their first packet where the protocol has one (a TCP SYN); UDP has none.
 */
function statelessRules(service: NatService): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const refuse = `counter name "${counterName(service.name, 'refused')}" drop`;
  if (service.allowedCidrs?.length === 0 || !hasTable(service)) return [`    ${refuse}`];
  const rules: string[] = [];
  if (service.allowedCidrs) rules.push(`    ${ip} saddr != { ${service.allowedCidrs.join(', ')} } ${refuse}`);
  if (service.protocol === 'tcp') {
    rules.push(`    tcp flags & (syn | ack) == syn counter name "${counterName(service.name, 'new')}"`);
  }
  const hash = hashOf(service, ip);
  const port = singlePort(service);
  const toPort = port === undefined ? `${hash} map @${portMapName(service)}` : String(port);
  rules.push(
    `    counter name "${counterName(service.name, 'in')}" notrack ${service.protocol} dport set ${toPort} ` +
      `${ip} daddr set ${hash} map @${addressMapName(service)}`,
  );
  return rules;
}

/** A member's answer leaves as the VIP's. */
function replyRules(service: NatService): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  return [
    `    counter name "${counterName(service.name, 'out')}" ${ip} saddr set ${service.vip} ` +
      `${service.protocol} sport set ${service.port}`,
  ];
}
