import type { Balancer, BalancerTarget, PickContext } from '../../src/balancing/balancer.ts';

/** A regular, admin-up member of weight 1 unless told otherwise. */
export function member(id: string, fields: Partial<Omit<BalancerTarget, 'id'>> = {}): BalancerTarget {
  return { id, weight: 1, backup: false, adminStateUp: true, ...fields };
}

/** The i-th of many distinct clients, alternately IPv4 and IPv6, each with its own source port. */
export function client(i: number): PickContext {
  const remotePort = 1024 + ((i * 7919) % 64000);
  if (i % 2 === 0) return { remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, remotePort };
  return { remoteAddress: `2001:db8::${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}`, remotePort };
}

/**
 * Picks for clients 0..picks-1 as a proxy under steady load would: every pick opens a connection and, past
 * `concurrency` open ones, the oldest closes. Returns the picks per member id; a pick of nothing throws.
 */
export function drive(balancer: Balancer, picks: number, concurrency = 64): Map<string, number> {
  const counts = new Map<string, number>();
  const open: BalancerTarget[] = [];
  for (let i = 0; i < picks; i++) {
    const target = balancer.pick(client(i));
    if (!target) throw new Error(`pick ${i} found no member`);
    counts.set(target.id, (counts.get(target.id) ?? 0) + 1);
    balancer.connectionStarted?.(target);
    open.push(target);
    if (open.length > concurrency) balancer.connectionEnded?.(open.shift()!);
  }
  return counts;
}

/** The largest relative deviation of a member's share of picks from its share of the weights (0.02 is 2%). */
export function shareError(counts: ReadonlyMap<string, number>, weights: Readonly<Record<string, number>>): number {
  const picks = [...counts.values()].reduce((a, b) => a + b, 0);
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  let worst = 0;
  for (const [id, weight] of Object.entries(weights)) {
    const expected = (picks * weight) / total;
    worst = Math.max(worst, Math.abs((counts.get(id) ?? 0) - expected) / expected);
  }
  return worst;
}
