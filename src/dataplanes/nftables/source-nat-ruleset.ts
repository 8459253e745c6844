import { isIPv6 } from 'node:net';

/** Members' networks whose own new flows leave this node from a pool of its public addresses (`nat.source_nat`). */
export interface SourceNatRule {
  /** CIDRs or single addresses of the members. */
  sources: readonly string[];
  /** The pool: addresses of this node, at least one of each family among `sources`. */
  addresses: readonly string[];
  /** Only flows leaving through this interface; none: every flow to a destination outside `sources`. */
  interface?: string | undefined;
}

/**
 * The hook of the source NAT chain: just after `srcnat`, where the hairpin masquerade runs. The first chain that binds
 * a flow's source wins, so a flow the hairpin chain masqueraded is never translated again here.
 */
export const SOURCE_NAT_HOOK = 'type nat hook postrouting priority srcnat + 1; policy accept;';

/**
 * A fixed seed: a member leaves from the same address of its pool after every restart and rewrite, so audit trails
 * and allow-lists on the far side see one steady address per member.
 */
const SEED = 0x77656972;

/**
 * The rules of the source NAT chain: a member's new flow, unless it is DNATed (a load-balanced flow, or one to a VIP),
 * leaves from the address of its pool that a hash of its own address picks, so each member keeps one address and the
 * members are spread over the pool. Answers to load-balanced clients are never translated here: nat chains see only
 * the first packet of a flow, and a DNATed flow's answers belong to that flow.
 * `ct status != dnat` is no test of a flag (nft compares the whole status word), hence `& dnat == 0`.
 */
export function sourceNatRules(rules: readonly SourceNatRule[]): string[] {
  return rules.flatMap((rule) =>
    ([4, 6] as const).flatMap((family) => {
      const sources = rule.sources.filter((s) => familyOf(s) === family);
      const addresses = rule.addresses.filter((a) => familyOf(a) === family);
      if (sources.length === 0 || addresses.length === 0) return [];
      const ip = family === 6 ? 'ip6' : 'ip';
      const set = `{ ${sources.join(', ')} }`;
      // Members reaching other members through this node keep their own addresses.
      const match = [`ct status & dnat == 0 ${ip} saddr ${set} ${ip} daddr != ${set}`];
      if (rule.interface) match.push(`oifname "${rule.interface}"`);
      return [`${match.join(' ')} snat ${ip} to ${poolExpression(ip, addresses)}`];
    }),
  );
}

function poolExpression(ip: 'ip' | 'ip6', addresses: readonly string[]): string {
  if (addresses.length === 1) return addresses[0]!;
  const slots = addresses.map((address, i) => `${i} : ${address}`).join(', ');
  return `jhash ${ip} saddr mod ${addresses.length} seed 0x${SEED.toString(16)} map { ${slots} }`;
}

const familyOf = (address: string): 4 | 6 => (isIPv6(address.split('/')[0]!) ? 6 : 4);
