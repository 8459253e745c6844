import { isIPv6 } from 'node:net';
import { counterName } from './nat-ruleset.ts';
import { slotMap } from './slot-map.ts';
import type { NftObject, TablePieces } from './table-pieces.ts';
import { type CarriedCounters, type TablePart, TableState } from './table-state.ts';

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
 * The whole `netdev weir_dsr` table as one `nft -f` script that replaces it atomically, and the state it leaves, from
 * which later changes are written as deltas (`TableState.plan`): an ingress chain per interface VIP traffic arrives
 * on dispatches through verdict maps keyed by VIP, protocol and port to each service's chain, which rewrites the
 * frame's MACs and forwards it (`fwd` exists only in the netdev family). Nothing keeps per-connection state here, so
 * a flow's member comes from a hash of the packet's own fields into the service's Maglev slot map, never from chance.
 */
export function renderDsrTable(
  services: readonly DsrService[],
  /** Counter values to start from, so that rewriting the table does not reset them. */
  carried: CarriedCounters = new Map(),
): { script: string; state: TableState } {
  return TableState.whole(`netdev ${DSR_TABLE}`, dsrTableParts(services), carried);
}

/**
 * The table's parts: one per ingress interface (its base chain and dispatch maps: a netdev hook belongs to one
 * device), then one per service (its counters, chain and slot map, and its element in its interface's dispatch map).
 */
export function dsrTableParts(services: readonly DsrService[]): TablePart[] {
  const devices = [...new Set(services.map((s) => s.ingress))].sort();
  return [
    ...devices.map((device) => ({ id: `ingress:${device}`, source: device, pieces: () => ingressPieces(device) })),
    ...services.map((service) => ({ id: service.name, source: service, pieces: () => servicePieces(service) })),
  ];
}

/**
 * An interface's names in the table: its letters and digits as they are, any other byte as `_` and two hex digits,
 * so that two interfaces never share a name and every name is an nft identifier (`eth0.100`: `eth0_2e100`).
 */
function deviceTag(device: string): string {
  return [...Buffer.from(device, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9]/.test(char) ? char : `_${byte.toString(16).padStart(2, '0')}`;
    })
    .join('');
}

const dispatchMap = (device: string, family: 4 | 6) => `services${family}_${deviceTag(device)}`;

function ingressPieces(device: string): TablePieces {
  return {
    objects: ([4, 6] as const).map((family) => ({
      kind: 'map',
      name: dispatchMap(device, family),
      spec: `type ipv${family}_addr . inet_proto . inet_service : verdict ;`,
    })),
    chains: [
      {
        name: `ingress_${deviceTag(device)}`,
        hook: `type filter hook ingress device ${JSON.stringify(device)} priority 0; policy accept;`,
        rules: [
          `ip daddr . meta l4proto . th dport vmap @${dispatchMap(device, 4)}`,
          `ip6 daddr . meta l4proto . th dport vmap @${dispatchMap(device, 6)}`,
        ],
      },
    ],
    elements: [],
  };
}

function servicePieces(service: DsrService): TablePieces {
  const counters = DSR_COUNTERS.map(
    (c): NftObject => ({ kind: 'counter', name: counterName(service.name, c), spec: '' }),
  );
  // The map stays while the service has slots, also while its rules refuse every flow, so access changes keep it.
  const slots =
    service.slots.length > 0
      ? [slotMap(slotMapName(service), service.slots, 'ether daddr', (m) => service.members[m]!)]
      : [];
  return {
    objects: [...counters, ...slots.map(({ object }) => object)],
    chains: [{ name: service.name, hook: null, rules: serviceRules(service) }],
    elements: [
      {
        map: dispatchMap(service.ingress, familyOf(service.vip)),
        entries: [[`${service.vip} . ${service.protocol} . ${service.port}`, `goto ${service.name}`]],
      },
      ...slots.map(({ elements }) => elements),
    ],
  };
}

const slotMapName = (service: DsrService) => `${service.name}_slots`;

function serviceRules(service: DsrService): string[] {
  const ip = familyOf(service.vip) === 6 ? 'ip6' : 'ip';
  const refuse = `counter name "${counterName(service.name, 'refused')}" drop`;
  if (service.allowedCidrs?.length === 0 || !service.egress || service.slots.length === 0) return [refuse];
  const rules: string[] = [];
  if (service.allowedCidrs) rules.push(`${ip} saddr != { ${service.allowedCidrs.join(', ')} } ${refuse}`);
  rules.push(`counter name "${counterName(service.name, 'in')}"`);
  if (service.protocol === 'tcp') {
    rules.push(`tcp flags & (syn | ack) == syn counter name "${counterName(service.name, 'new')}"`);
  }
  const key = service.pick === 'source-ip' ? `${ip} saddr` : `${ip} saddr . ${service.protocol} sport`;
  const seed = `seed 0x${(service.seed >>> 0).toString(16)}`;
  // Without a new source MAC the switch would learn the client's router on this node's port and send it our frames.
  rules.push(
    `ether saddr set ${service.egress.mac} ether daddr set jhash ${key} mod ${service.slots.length} ${seed} ` +
      `map @${slotMapName(service)} fwd to ${JSON.stringify(service.egress.device)}`,
  );
  return rules;
}

const familyOf = (address: string): 4 | 6 => (isIPv6(address) ? 6 : 4);
