import { isIPv6 } from 'node:net';
import { type SlotMap, slotMap } from './slot-map.ts';
import { SOURCE_NAT_HOOK, type SourceNatRule, sourceNatRules } from './source-nat-ruleset.ts';
import type { NftChain, NftElements, NftObject, TablePieces } from './table-pieces.ts';
import { type CarriedCounters, type TablePart, TableState } from './table-state.ts';

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
   * their address and port, so a member's address, protocol and port may serve no other service, stateless or not.
   */
  stateless?: boolean;
  /**
   * The listener's connection_limit: flows beyond it are dropped at their first packet, so a TCP client's SYN is
   * retried and gets in once a flow has closed. Counted per service (VIP, protocol and port).
   */
  connectionLimit?: number;
}

export const NAT_TABLE = 'weir';

/**
 * The whole `inet weir` table for these services, as one `nft -f` script that replaces the table atomically, and
 * the state it leaves, from which later changes are written as deltas (`TableState.plan`). Lookups go through one
 * verdict map per address family keyed by VIP, protocol and port (as kube-proxy's nftables mode does), so a packet's
 * cost does not grow with the number of services; each service's chain then picks a backend from a slot map (weights
 * are slot counts, or the pool's Maglev table for the hashing picks) and DNATs to it. Both the prerouting hook
 * (traffic routed through this node) and the output hook (clients on this node) dispatch. Load-balanced flows keep
 * the client's address (members see the client); source NAT applies only to the members' own outbound flows
 * (`sourceNat`) and to members calling their own VIP (hairpin). Stateless services are translated per packet before
 * conntrack instead. Each service also has named counters (COUNTERS), which filter chains around the translation feed.
 */
export function renderNatTable(
  services: readonly NatService[],
  /** Counter values to start from, so that rewriting the table does not reset them. */
  carried: CarriedCounters = new Map(),
  /** The members' own outbound flows, translated to the node's public addresses (`nat.source_nat`). */
  sourceNat: readonly SourceNatRule[] = [],
): { script: string; state: TableState } {
  return TableState.whole(`inet ${NAT_TABLE}`, natTableParts(services, sourceNat), carried);
}

/** The table's parts: its frame (dispatch maps and hooks), the source NAT chain, then one per service. */
export function natTableParts(services: readonly NatService[], sourceNat: readonly SourceNatRule[] = []): TablePart[] {
  checkReplySources(services);
  return [
    { id: '', source: null, pieces: framePieces },
    { id: 'source_nat', source: sourceNat, pieces: () => sourceNatPieces(sourceNat) },
    ...services.map((service) => ({ id: service.name, source: service, pieces: () => servicePieces(service) })),
  ];
}

const DISPATCH_MAPS = [
  ['services', 'verdict'],
  ['bytes_in', 'counter'],
  ['bytes_out', 'counter'],
  ['stateless', 'verdict'],
] as const;

/** What every state of the table holds: the dispatch maps and sets, and the hooks that look them up. */
function framePieces(): TablePieces {
  const objects = ([4, 6] as const).flatMap((f): NftObject[] => [
    ...DISPATCH_MAPS.map(
      ([name, value]): NftObject => ({
        kind: 'map',
        name: `${name}${f}`,
        spec: `type ipv${f}_addr . inet_proto . inet_service : ${value} ;`,
      }),
    ),
    { kind: 'set', name: `hairpin${f}`, spec: `type ipv${f}_addr . ipv${f}_addr ;` },
    // Stateless answers: a member's address, protocol and port -> its service's reply chain.
    { kind: 'map', name: `replies${f}`, spec: `type ipv${f}_addr . inet_proto . inet_service : verdict ;` },
    { kind: 'set', name: `reply_sources${f}`, spec: `type ipv${f}_addr . inet_proto . inet_service ;` },
  ]);
  const both = (rule: (ip: string, family: 4 | 6) => string) => [rule('ip', 4), rule('ip6', 6)];
  const dispatch = both((ip, f) => `${ip} daddr . meta l4proto . th dport vmap @services${f}`);
  // Client bytes are counted before the translation, answers after it is undone; a packet looped back through `lo`
  // passes the hooks twice, so its second pass (input from lo) is not counted again.
  const bytesIn = both((ip, f) => `counter name ${ip} daddr . meta l4proto . th dport map @bytes_in${f}`);
  const bytesOut = both((ip, f) => `counter name ${ip} saddr . meta l4proto . th sport map @bytes_out${f}`);
  const chain = (name: string, hook: string, rules: string[]): NftChain => ({ name, hook, rules });
  return {
    objects,
    chains: [
      // Before conntrack (raw): a client's packet is translated and left untracked, and so is a member's answer,
      // which is translated back only after routing, since a packet from the VIP, an address of this node, would be
      // dropped as a martian on the way in. A member's answer to this node itself (its health checks) is no client's
      // and stays tracked: untracked, its SYN-ACK would leave the check's flow unreplied, invalid to a host firewall.
      chain(
        'stateless_in',
        'type filter hook prerouting priority raw; policy accept;',
        both((ip, f) => `${ip} daddr . meta l4proto . th dport vmap @stateless${f}`).concat(
          both((ip, f) => `${ip} saddr . meta l4proto . th sport @reply_sources${f} fib daddr type != local notrack`),
        ),
      ),
      chain(
        'stateless_out',
        'type filter hook postrouting priority srcnat; policy accept;',
        both((ip, f) => `${ip} saddr . meta l4proto . th sport vmap @replies${f}`),
      ),
      chain('prerouting', 'type nat hook prerouting priority dstnat; policy accept;', dispatch),
      chain('output', 'type nat hook output priority -100; policy accept;', dispatch),
      // A member calling its own service's VIP would get its answer straight from the other member, not through
      // weir: the flow is masqueraded instead, so the answer comes back through weir, and that member sees weir's
      // address. The set holds each service's VIP with each of its members.
      chain(
        'hairpin',
        'type nat hook postrouting priority srcnat; policy accept;',
        both((ip, f) => `ct status dnat ct original ${ip} daddr . ${ip} saddr @hairpin${f} masquerade`),
      ),
      chain('count_in', 'type filter hook prerouting priority -150; policy accept;', bytesIn),
      chain('count_in_local', 'type filter hook output priority -150; policy accept;', bytesIn),
      chain('count_out', 'type filter hook postrouting priority 200; policy accept;', bytesOut),
      chain(
        'count_out_local',
        'type filter hook input priority 200; policy accept;',
        bytesOut.map((rule) => rule.replace('counter name', 'iif != "lo" counter name')),
      ),
    ],
    elements: [],
  };
}

/** The chain of the source NAT, when there is one. */
function sourceNatPieces(rules: readonly SourceNatRule[]): TablePieces {
  const chains = rules.length > 0 ? [{ name: 'source_nat', hook: SOURCE_NAT_HOOK, rules: sourceNatRules(rules) }] : [];
  return { objects: [], chains, elements: [] };
}

/**
 * A service's counters, chain and slot map, and its elements in the frame's dispatch maps and hairpin set; a
 * stateless one has a reply chain and address (and port) maps instead, and elements in the stateless maps.
 */
function servicePieces(service: NatService): TablePieces {
  const family = familyOf(service.vip);
  const key = `${service.vip} . ${service.protocol} . ${service.port}`;
  const members = [...new Set(service.backends.map((b) => b.address))];
  const counters = COUNTERS.map((c): NftObject => ({ kind: 'counter', name: counterName(service.name, c), spec: '' }));
  const hairpin: NftElements = {
    map: `hairpin${family}`,
    entries: members.map((member) => [`${service.vip} . ${member}`, '']),
  };
  if (service.stateless === true) {
    const sources = service.backends.map((b) => `${b.address} . ${service.protocol} . ${b.port}`);
    const maps = hasTable(service) ? statelessMaps(service) : [];
    return {
      objects: [...counters, ...maps.map(({ object }) => object)],
      chains: [
        { name: service.name, hook: null, rules: statelessRules(service) },
        { name: replyChainName(service), hook: null, rules: replyRules(service) },
      ],
      elements: [
        { map: `stateless${family}`, entries: [[key, `goto ${service.name}`]] },
        { map: `replies${family}`, entries: sources.map((source) => [source, `goto ${replyChainName(service)}`]) },
        { map: `reply_sources${family}`, entries: sources.map((source) => [source, '']) },
        hairpin,
        ...maps.map(({ elements }) => elements),
      ],
    };
  }
  const slots = hasTable(service) ? [natSlotMap(service)] : [];
  return {
    objects: [...counters, ...slots.map(({ object }) => object), ...connectionSet(service)],
    chains: [{ name: service.name, hook: null, rules: serviceRules(service) }],
    elements: [
      { map: `services${family}`, entries: [[key, `goto ${service.name}`]] },
      { map: `bytes_in${family}`, entries: [[key, `"${counterName(service.name, 'in')}"`]] },
      { map: `bytes_out${family}`, entries: [[key, `"${counterName(service.name, 'out')}"`]] },
      hairpin,
      ...slots.map(({ elements }) => elements),
    ],
  };
}

/** The named counters of each service: bytes from clients and to them, flows started, flows refused. */
export const COUNTERS = ['in', 'out', 'new', 'refused'] as const;
export type NatCounter = (typeof COUNTERS)[number];
export const counterName = (service: string, counter: NatCounter): string => `${service}_${counter}`;

/** Runs for the first packet of each flow only: the nat hooks see no other. */
function serviceRules(service: NatService): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const refuse = `counter name "${counterName(service.name, 'refused')}" drop`;
  const rules: string[] = [];
  if (service.allowedCidrs?.length === 0) return [refuse];
  if (service.allowedCidrs) rules.push(`${ip} saddr != { ${service.allowedCidrs.join(', ')} } ${refuse}`);
  if (service.connectionLimit !== undefined) {
    const flows = `${ip} daddr . th dport ct count over ${service.connectionLimit}`;
    rules.push(`add @${connectionSetName(service)} { ${flows} } ${refuse}`);
  }
  const started = `meta l4proto ${service.protocol} counter name "${counterName(service.name, 'new')}" dnat ${ip} to`;
  if (service.pick !== 'random') {
    if (!hasTable(service)) return [...rules, refuse];
    rules.push(`${started} ${hashOf(service, ip)} map @${slotMapName(service)}`);
    return rules;
  }
  const slots = slotsOf(service.backends);
  if (slots.length === 0) return [...rules, refuse];
  const targets = slots.map((b, i) => `${i} : ${b.address} . ${b.port}`).join(', ');
  rules.push(`${started} numgen random mod ${slots.length} map { ${targets} }`);
  return rules;
}

/**
 * A listener's open flows are counted in a set of its own, not in its rule (`ct count` alone keeps its list there,
 * and a delta rewrites the rules of a service whenever a member changes), so the count survives those rewrites. The
 * set is named after the limit: its one element (the VIP and port) keeps the limit it was created with, so a new
 * limit is a new set, whose count starts from the flows that open after the change.
 */
function connectionSet(service: NatService): NftObject[] {
  if (service.connectionLimit === undefined) return [];
  const spec = `type ipv${familyOf(service.vip)}_addr . inet_service ; flags dynamic ; size 1 ;`;
  return [{ kind: 'set', name: connectionSetName(service), spec }];
}

const connectionSetName = (service: NatService) => `${service.name}_flows_${service.connectionLimit}`;

const hasTable = (service: NatService): service is NatService & { table: readonly number[] } =>
  service.pick !== 'random' && (service.table?.length ?? 0) > 0;

const slotMapName = (service: NatService) => `${service.name}_slots`;

/** A hashing service's Maglev table: slot -> member address and port. */
function natSlotMap(service: NatService & { table: readonly number[] }): SlotMap {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const targets = service.backends.map((b) => `${b.address} . ${b.port}`);
  return slotMap(slotMapName(service), service.table, `${ip} daddr . th dport`, (b) => targets[b]!);
}

/** The slot of a packet of a hashing service: its client's address (and port) hashed under the pool's seed. */
function hashOf(service: NatService & { table: readonly number[] }, ip: 'ip' | 'ip6'): string {
  const key = service.pick === 'source-ip' ? `${ip} saddr` : `${ip} saddr . th sport`;
  return `jhash ${key} mod ${service.table.length} seed 0x${(service.seed >>> 0).toString(16)}`;
}

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

/**
 * Throws when a member answers for a stateless service and another one: its answers are untracked and translated
 * to the stateless VIP before conntrack sees them, so they could not tell which VIP to come from.
 */
function checkReplySources(services: readonly NatService[]): void {
  const stateless = new Map<string, NatService>();
  const keys = (service: NatService) =>
    service.backends.map((b) => [b, `${b.address} . ${service.protocol} . ${b.port}`] as const);
  const refuse = (backend: NatService['backends'][number], one: NatService, other: NatService): never => {
    const both = other.stateless ? 'two stateless listeners,' : 'stateless listener';
    throw new Error(
      `member ${backend.address} port ${backend.port} (${one.protocol}) serves ${both} ${one.vip} port ${one.port} ` +
        `and ${other.stateless ? '' : 'listener '}${other.vip} port ${other.port}: its answers cannot tell which VIP ` +
        'to come from; give each a member port of its own',
    );
  };
  for (const service of services.filter((s) => s.stateless === true)) {
    for (const [backend, key] of keys(service)) {
      const other = stateless.get(key);
      if (other && other !== service) refuse(backend, other, service);
      stateless.set(key, service);
    }
  }
  for (const service of services.filter((s) => s.stateless !== true)) {
    for (const [backend, key] of keys(service)) {
      const other = stateless.get(key);
      if (other) refuse(backend, other, service);
    }
  }
}

const replyChainName = (service: NatService) => `${service.name}_reply`;
const addressMapName = (service: NatService) => `${service.name}_addrs`;
const portMapName = (service: NatService) => `${service.name}_ports`;

/** Members' ports, when they differ: a port map beside the address map; else the one port is written in the rule. */
function singlePort(service: NatService): number | undefined {
  const ports = new Set(service.backends.map((b) => b.port));
  return ports.size === 1 ? [...ports][0] : undefined;
}

/** A stateless service's slot maps (slot -> member address, and slot -> member port when ports differ), filled. */
function statelessMaps(service: NatService & { table: readonly number[] }): SlotMap[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const { table, backends } = service;
  const maps = [slotMap(addressMapName(service), table, `${ip} daddr`, (b) => backends[b]!.address)];
  if (singlePort(service) !== undefined) return maps;
  return [...maps, slotMap(portMapName(service), table, `${service.protocol} dport`, (b) => String(backends[b]!.port))];
}

/**
 * Every packet of a client's flow: refused, or counted and sent to the member its hash picks, untracked. New flows
 * are counted by their first packet where the protocol has one (a TCP SYN); UDP has none.
 */
function statelessRules(service: NatService): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const refuse = `counter name "${counterName(service.name, 'refused')}" drop`;
  if (service.allowedCidrs?.length === 0 || !hasTable(service)) return [refuse];
  const rules: string[] = [];
  if (service.allowedCidrs) rules.push(`${ip} saddr != { ${service.allowedCidrs.join(', ')} } ${refuse}`);
  if (service.protocol === 'tcp') {
    rules.push(`tcp flags & (syn | ack) == syn counter name "${counterName(service.name, 'new')}"`);
  }
  const hash = hashOf(service, ip);
  const port = singlePort(service);
  const toPort = port === undefined ? `${hash} map @${portMapName(service)}` : String(port);
  rules.push(
    `counter name "${counterName(service.name, 'in')}" notrack ${service.protocol} dport set ${toPort} ` +
      `${ip} daddr set ${hash} map @${addressMapName(service)}`,
  );
  return rules;
}

/** A member's answer leaves as the VIP's. */
function replyRules(service: NatService): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  return [
    `counter name "${counterName(service.name, 'out')}" ${ip} saddr set ${service.vip} ` +
      `${service.protocol} sport set ${service.port}`,
  ];
}
